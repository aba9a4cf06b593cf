/* eventloop: PID 1 after boot, until shutdown. It is the body of the
 * resident stele-pid1, and of stage 1 when stele-pid1 could not run.
 *
 * Contract: eventloop_run() disables Ctrl-Alt-Del in the kernel (it then
 * arrives as SIGINT), writes the boot timeline (TIMELINE_JSON) with the
 * mark "handoff", starts cfg->supervisor, then serves one signalfd
 * through epoll: SIGCHLD reaps every child, orphans included, and
 * restarts the supervisor when it was the one (rate-limited,
 * supervise.h); a shutdown request (signals.h) runs shutdown_procs()
 * with cfg's timeouts, then finish(kind, ctx), which must not return: the
 * filesystem part and reboot(2). eventloop_run() never returns. */
#ifndef STELE_INIT_EVENTLOOP_H
#define STELE_INIT_EVENTLOOP_H

#include "pid1/config.h"
#include "pid1/signals.h"

typedef void shutdown_finish_fn(enum shutdown_kind kind, void *ctx);

_Noreturn void eventloop_run(const struct pid1_config *cfg, shutdown_finish_fn *finish, void *ctx);

#endif
