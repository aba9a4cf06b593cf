/* attempt_run: one attempt as a single foreground `runc run`, for a bundle
 * with no after-create hook (no runtime.interfaces, no runtime.bindNS).
 * runc creates, starts, waits for and deletes the container in one exec
 * instead of create, start and delete in three: each exec of runc (a Go
 * binary) costs ~250-400 ms of CPU under TCG, on the boot's critical path.
 *
 * What stays as after `runc create` (attempt_create.h):
 * - the timeout counts from the container's start: runc writes the pid
 *   file then; until it does, runc is bounded like any runc command;
 * - the status: runc exits with the container's, a signal N folded into
 *   128+N, which is unfolded here, so "signal 9 (Killed)" reads the same
 *   (an exit code above 128 reads as that signal, as in a shell);
 * - stopping (watch.h): `runc kill ID TERM`, grace, SIGKILL to the
 *   container's process (its pid from the pid file; runc run then exits);
 * - stdout and stderr reach the same pipe (runc copies the container's);
 *   runc and the container get fds 0-2 only.
 *
 * Contract: as attempt_create(): out_w is closed here once runc holds it,
 * and a container left in runc's state (runc killed, or failed) is the
 * caller's to `runc delete`. */
#ifndef STELE_ONBOOT_ATTEMPT_RUN_H
#define STELE_ONBOOT_ATTEMPT_RUN_H

#include "onboot/job.h"

struct result attempt_run(struct job *j, int out_w, int *out_fd);

#endif
