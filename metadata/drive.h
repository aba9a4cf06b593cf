/* drive: the local metadata volumes, NoCloud "cidata" and the OpenStack
 * config drive "config-2".
 *
 * Contract: drive_read() probes block devices with libblkid (only `device`
 * when it is not NULL, else every device in /sys/class/block), takes the
 * first whose label is cidata/CIDATA (iso9660 or vfat) or config-2/CONFIG-2,
 * mounts it read-only, nosuid, nodev, noexec on a private temporary
 * directory in a private mount namespace, reads its files with size caps
 * and without following symlinks, and unmounts it. On success the source
 * holds the provider ("nocloud" or "configdrive"), user-data, meta-data and
 * network-config as raw bytes. Returns 1 when a volume was read, 0 when
 * none was found, -1 after logging one line. */
#ifndef STELE_METADATA_DRIVE_H
#define STELE_METADATA_DRIVE_H

#include "metadata/source.h"

int drive_read(const char *device, struct source *src);

#endif
