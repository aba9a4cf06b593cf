/* rootfs: leave the kernel's initramfs root for one runc can pivot from.
 *
 * Why: the initramfs is the kernel's "rootfs" mount, which can never be
 * unmounted or pivoted away from; runc fails on it with "pivot_root .:
 * invalid argument". pivot_root(2) only needs the root it leaves to be a
 * mount with a parent, so PID 1 bind-mounts "/" on NEW_ROOT, moves that
 * mount over "/", chroots into it and re-executes /sbin/init: no file is
 * copied. With STELE_ROOTFS=copy, or should the bind fail, it mounts a tmpfs and
 * moving every entry into it (modes, owners, times, symlinks, device
 * nodes, fifos and hard links kept), freeing each file from the initramfs
 * as soon as it is copied so memory is never needed twice.
 *
 * Contract: rootfs_leave_if_initramfs() returns at once when "/" is not a
 * ramfs/tmpfs, or when this process is already the re-executed init (the
 * environment carries ROOTFS_TIMES_ENV). On success it does not return.
 * On failure it reports one line and returns: boot goes on from the
 * initramfs, where containers will not start but a console still works. */
#ifndef STELE_INIT_ROOTFS_H
#define STELE_INIT_ROOTFS_H

/* STELE_ROOTFS=copy on the kernel command line takes the tmpfs copy
 * rather than the bind (a root whose size the tmpfs bounds). */
#define ROOTFS_HOW_ENV "STELE_ROOTFS"

/* "START END": boottime_ms() around the move, for the timeline. */
#define ROOTFS_TIMES_ENV "STELE_ROOTFS_MS"

void rootfs_leave_if_initramfs(char **argv);

/* Copy the tree at src into dst (an empty directory on another
 * filesystem), removing each source entry once copied. Mount points under
 * src (entries on another filesystem, dst among them) are left alone.
 * Returns the number of entries that failed (each reported), or -1 when
 * src or dst cannot be opened. */
int tree_move(const char *src, const char *dst);

#endif
