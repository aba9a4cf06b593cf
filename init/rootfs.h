/* rootfs: leave the kernel's initramfs root for a real tmpfs.
 *
 * Why: the initramfs is the kernel's "rootfs" mount, which can never be
 * unmounted or pivoted away from; runc fails on it with "pivot_root .:
 * invalid argument". So PID 1 mounts a tmpfs, moves every entry into it
 * (modes, owners, times, symlinks, device nodes, fifos and hard links
 * kept), freeing each file from the initramfs as soon as it is copied so
 * memory is never needed twice, then moves the tmpfs over "/", chroots
 * into it and re-executes /sbin/init.
 *
 * Contract: rootfs_leave_if_initramfs() returns at once when "/" is not a
 * ramfs/tmpfs, or when this process is already the re-executed init (the
 * environment carries ROOTFS_TIMES_ENV). On success it does not return.
 * On failure it reports one line and returns: boot goes on from the
 * initramfs, where containers will not start but a console still works. */
#ifndef STELE_INIT_ROOTFS_H
#define STELE_INIT_ROOTFS_H

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
