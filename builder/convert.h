/* convert: the cloud and hypervisor formats, made from the raw-efi disk.
 *
 * qcow2 (qemu, OpenStack), vhd (Azure: fixed size, a whole number of
 * MiB, qemu-img's force_size keeps it exact) and vmdk (stream-optimized:
 * what vSphere and AWS import) are converted with qemu-img. gcp is the
 * raw-efi disk as `disk.raw`, grown to a whole number of GiB (GCP
 * refuses other sizes), in a gzipped tar of GNU's oldgnu format with
 * sparse files (GCP's import format).
 *
 * Contract: OUT (in the build's scratch folder) is complete or absent;
 * tools' output goes to WORK.
 * Returns 0, or -1 after one line. */
#ifndef STELE_BUILDER_CONVERT_H
#define STELE_BUILDER_CONVERT_H

#include <stdint.h>

/* format: "qcow2", "vhd" or "vmdk". The VHD's date is `epoch`; its UUID
 * and the VMDK's content ID derive from the disk's bytes, so the same
 * raw disk gives the same file. */
int convert_disk(const char *work, const char *raw, const char *format, int64_t epoch,
		 const char *out);

/* Pack WORK/gcp/disk.raw (written by the caller) as OUT. */
int convert_gcp(const char *work, const char *dir, int64_t epoch, const char *out);

#endif
