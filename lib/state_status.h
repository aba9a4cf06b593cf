/* state_status: the one-line answer to "is the state volume usable?",
 * written by init to /run/stele/state-status and read by the supervisor
 * (refuse containers that bind into the volume) and stelectl status.
 *
 * The line is one of
 *   mounted DEV UUID at MOUNTPOINT
 *   tmpfs-fallback: REASON        (state_required=0: a tmpfs, data is lost at reboot)
 *   unavailable: REASON           (state_required=1, or fsck failed: no writable volume)
 * Only "unavailable" stops containers that bind into the volume.
 *
 * Link $(STATE_SHARED_OBJS) (state/build.mk) to use it outside init. */
#ifndef STELE_STATE_STATUS_H
#define STELE_STATE_STATUS_H

#include <stdbool.h>
#include <stddef.h>

enum state_status {
	STATE_STATUS_NONE, /* no status file: init did not run the phase */
	STATE_STATUS_MOUNTED,
	STATE_STATUS_TMPFS_FALLBACK,
	STATE_STATUS_UNAVAILABLE,
};

/* Replace the status file atomically (temporary file, fsync, rename).
 * Returns 0, or -1 with errno. */
int state_status_write(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Read the status line into line (may be NULL) and classify it. A file
 * that cannot be read or parsed is STATE_STATUS_NONE. */
enum state_status state_status_read(const char *path, char *line, size_t len);

/* True when containers binding into the state volume must not start. */
bool state_status_blocks_binds(const char *path);

#endif
