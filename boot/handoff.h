/* handoff: stage 1 (/sbin/init) becomes the resident PID 1.
 *
 * Why: PID 1 lives as long as the host, and every page of its binary it
 * ever touched stays resident. Stage 1 needs libmount, libblkid, libnl and
 * glibc for the boot phases; what runs for months (the event loop) needs
 * none of them. So, as s6-linux-init and systemd-shutdown do, the boot
 * binary execs a small one, stele-pid1 (musl, a few dozen KiB), and that
 * one execs `/sbin/init --shutdown KIND` again for the filesystem part of
 * the shutdown (shutdown_fs.h).
 *
 * Contract: handoff_config() turns the settings into what stele-pid1
 * needs (pid1_config.h), stage1 = this binary's own path
 * (readlink /proc/self/exe, else /sbin/init), and exports
 * SHUTDOWN_TIMEOUT_ENV=SECONDS (init.conf's shutdown_timeout), which PID 1
 * passes on to the supervisor with the rest of its environment. handoff_exec() marks
 * {"name":"stele-pid1","event":"exec"} in the timeline and execve()s
 * dirname(stage1)/stele-pid1 with that argv and the current environment.
 * It returns only when the exec failed, after one line naming the file
 * and the mark "failed": the caller then runs the same event loop itself,
 * because PID 1 must never exit. */
#ifndef STELE_INIT_HANDOFF_H
#define STELE_INIT_HANDOFF_H

#include "boot/settings.h"
#include "pid1/config.h"

/* How long the supervisor has to stop after SIGTERM, in whole seconds. */
#define SHUTDOWN_TIMEOUT_ENV "STELE_SHUTDOWN_TIMEOUT"

void handoff_config(const struct settings *settings, struct pid1_config *cfg);
void handoff_exec(const struct pid1_config *cfg);

#endif
