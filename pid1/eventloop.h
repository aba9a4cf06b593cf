/* eventloop: PID 1 after boot, until shutdown. It is the body of the
 * resident stele-pid1, and of stage 1 when stele-pid1 could not run.
 *
 * Contract: eventloop_run() arms cfg->watchdog (watchdog.h), opens its
 * events (events.h: signals, power buttons), disables Ctrl-Alt-Del in the
 * kernel (it then arrives as SIGINT), writes the boot timeline
 * (TIMELINE_JSON) with the mark "handoff", starts cfg->supervisor, then
 * serves the events: SIGCHLD reaps every child, orphans included, and
 * restarts the supervisor when it was the one (rate-limited, and given up
 * on a crash loop: supervise.h); SIGHUP fires cfg->test_fault, if armed
 * (testfault.h); a shutdown request (signals.h), a press of the power
 * button (poweroff, "stele: power button pressed: powering off"), or a
 * crash loop with cfg->crash = reboot (reboot) runs shutdown_procs() with
 * cfg's timeouts, then finish(kind, ctx), which must not return: the
 * filesystem part and reboot(2). eventloop_run() never returns. */
#ifndef STELE_INIT_EVENTLOOP_H
#define STELE_INIT_EVENTLOOP_H

#include "pid1/config.h"
#include "pid1/signals.h"

typedef void shutdown_finish_fn(enum shutdown_kind kind, void *ctx);

_Noreturn void eventloop_run(const struct pid1_config *cfg, shutdown_finish_fn *finish, void *ctx);

#endif
