/* eventloop: PID 1 after boot, until shutdown.
 *
 * Contract: eventloop_run() disables Ctrl-Alt-Del in the kernel (it then
 * arrives as SIGINT), writes the boot timeline (TIMELINE_JSON), starts
 * the supervisor (`supervisor` key), then serves one signalfd through
 * epoll: SIGCHLD reaps every child, orphans included, and restarts the
 * supervisor when it was the one (rate-limited, supervise.h); a shutdown
 * signal (signals.h) runs shutdown_run(). It never returns. */
#ifndef STELE_INIT_EVENTLOOP_H
#define STELE_INIT_EVENTLOOP_H

#include "settings.h"

_Noreturn void eventloop_run(struct settings *settings);

#endif
