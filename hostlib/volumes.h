/* volumes: LinuxKit's `volumes:` at boot (what its `service volumeinit`
 * does before onboot). stele build stages each volume as
 * ROOT/volumes/NAME/ with lower/ (the image's files, or empty), merged/
 * (what binds name), and tmp/ when the volume is read-write.
 *
 * Contract: volumes_setup(root) makes merged/ of every volume usable: a
 * read-write one is an overlay of lower/ with upper/ and work/ on a tmpfs
 * mounted on tmp/ (its changes last until poweroff, as LinuxKit's); a
 * read-only one is lower/ bound read-only. A volume whose merged/ is a
 * mount point already (a second run) is left alone. No ROOT/volumes: 0.
 * Returns 0, or -1 with one line in err naming the volume and the cause;
 * it goes on with the others. */
#ifndef STELE_HOSTLIB_VOLUMES_H
#define STELE_HOSTLIB_VOLUMES_H

#include <stddef.h>

int volumes_setup(const char *root, char *err, size_t len);

#endif
