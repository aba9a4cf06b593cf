/* shutdown_fs: the filesystem part of the orderly end, in stage 1
 * (/sbin/init), which links libmount; stele-pid1 execs
 * `/sbin/init --shutdown KIND` for it once every process is gone.
 *
 * Contract, after shutdown_procs (shutdown_procs.h):
 *  3. sync, in a child bounded to 30 s (lib/bounded_call.h).
 *  4. the state volume's own unmount (state.h), then every other mount,
 *     newest first, else remount read-only (unmount.h); each unmount or
 *     remount in a child bounded to 30 s.
 *  5. "stele: reboot|halt|poweroff" and reboot(2) from a child (power.h).
 * A watchdog stele-pid1 passed on (`--watchdog-fd N`, adopted by main.c)
 * is petted between the steps and ended by final_reboot() (watchdog.h).
 * A step that overruns its bound is reported in one line ("sync: timed
 * out after 30 s (the disk does not answer); going on") and the next one
 * runs: a dead disk delays the power-off, it never stops it.
 * shutdown_fs_stage() is `init --shutdown KIND` as PID 1: it blocks PID 1's
 * signals, installs the crash handler, loads the settings (init.conf and
 * the kernel command line: log levels, crash action, state keys), then
 * runs shutdown_fs_run(). An unknown KIND is reported and means reboot.
 * shutdown_fs_finish() is shutdown_fs_run() in the shape eventloop.h
 * wants (ctx: struct settings *), for stage 1 when stele-pid1 could not
 * run. None of them returns. */
#ifndef STELE_INIT_SHUTDOWN_FS_H
#define STELE_INIT_SHUTDOWN_FS_H

#include "boot/settings.h"
#include "pid1/signals.h"

_Noreturn void shutdown_fs_run(enum shutdown_kind kind, struct settings *settings);
_Noreturn void shutdown_fs_stage(const char *kind_name);
_Noreturn void shutdown_fs_finish(enum shutdown_kind kind, void *settings);

#endif
