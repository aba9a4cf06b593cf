/* state: the persistent state volume, PID 1's data-loss boundary.
 *
 * state_volume_setup() runs after loopback and before the hand-off:
 *   find the device (path, LABEL=, UUID=, auto; bounded wait) and probe it
 *   in a child; mke2fs only when provably blank (auto: only after the
 *   whole wait, when no disk is labelled and none failed; state/auto.h),
 *   or forced by state_force, naming that device, when it is not in use;
 *   e2fsck -p before every mount; mount with libmount; grow with
 *   resize2fs; record the outcome in /run/stele/state-status and the boot
 *   timeline.
 * A failed check or mount never leads to mkfs. When the volume is
 * missing or unusable: state_required=0 mounts a tmpfs with a loud
 * warning; state_required=1 leaves it unavailable, and the supervisor
 * starts no container that binds into it. Either way boot goes on.
 *
 * Returns 0 when the volume is mounted read-write or none is configured,
 * -1 otherwise (already reported on the console and in state-status). Never exits, never
 * blocks without bound (state_wait + 60 s for the probe, then the
 * bounded e2fsprogs children). */
#ifndef STELE_STATE_H
#define STELE_STATE_H

#include "state/config.h"

struct settings;

/* PID 1's phase: reads the state* keys through settings_get(). */
int state_volume_setup(struct settings *settings);

/* PID 1's shutdown, after containers and containerd are gone: unmount
 * the volume (read-only remount when busy), each step in a child bounded
 * to 30 s (state/mount.h). Returns 0, or -1 when it could do neither or a
 * step timed out (reported in one line). */
int state_volume_shutdown(struct settings *settings);

/* The same two with the configuration at hand (tests, the driver). */
int state_volume_run(const struct state_config *cfg);
int state_volume_unmount(const char *mountpoint);

#endif
