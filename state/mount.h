/* state_mount: mount and unmount the state volume.
 *
 * Contract: each returns 0, or -1 after writing a one-line message that
 * names the device and mountpoint into err. The mountpoint is created
 * when missing. */
#ifndef STELE_STATE_MOUNT_H
#define STELE_STATE_MOUNT_H

#include <stdbool.h>
#include <stddef.h>

/* Mount dev at mountpoint through libmount, with options (fstab syntax),
 * read-only when readonly. */
int state_mount_device(const char *dev, const char *fstype, const char *mountpoint,
		       const char *options, bool readonly, char *err, size_t errlen);

/* The fallback: a tmpfs at mountpoint. */
int state_mount_tmpfs(const char *mountpoint, char *err, size_t errlen);

/* Shutdown: unmount; when busy, remount read-only. Each writes the
 * filesystem out itself, and each runs in a child bounded to 30 s, so a
 * disk that does not answer costs at most that (err says "timed out").
 * Not mounted is success. After a read-only fallback it returns 0 with
 * err saying so (the journal is clean either way); -1 when neither
 * worked. */
int state_unmount(const char *mountpoint, char *err, size_t errlen);

#endif
