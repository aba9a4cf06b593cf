/* state_bind: create the source directory of a container bind that lives
 * on the state volume, at the owner and mode the container needs.
 *
 * Contract: state_bind_source(root, path, uid, gid, mode) creates every
 * missing directory of path, which must be root itself or under it
 * (root is the state mountpoint, e.g. /var/lib). Missing intermediate
 * directories get 0755 root:root; the last one gets uid:gid and mode.
 * Directories that exist are left as they are (an administrator's
 * chown survives reboots). The walk never follows a symlink, so a link
 * planted on the volume cannot redirect the creation elsewhere.
 * Returns 0; 1 when path is not under root (not the volume's business);
 * -1 with a one-line message in err. Link $(STATE_SHARED_OBJS). */
#ifndef STELE_STATE_BIND_H
#define STELE_STATE_BIND_H

#include <stddef.h>
#include <sys/types.h>

int state_bind_source(const char *root, const char *path, uid_t uid, gid_t gid, mode_t mode,
		      char *err, size_t errlen);

/* The same walk for any absolute path under "/": used for mountpoints. */
int state_mkdirs(const char *path, mode_t mode, char *err, size_t errlen);

#endif
