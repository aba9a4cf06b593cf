/* shutdown: the orderly end of every stele host.
 *
 * Contract, in order, each wait bounded:
 *  1. SIGTERM to the supervisor; wait up to `shutdown_timeout` seconds
 *     (default 90) for it to exit: it stops services and runs onshutdown
 *     containers itself. Orphans are reaped meanwhile.
 *  2. kill(-1, SIGTERM), reap until no child is left or `kill_timeout`
 *     seconds (default 10) pass; then kill(-1, SIGKILL) and reap (5 s).
 *  3. sync, in a child bounded to 30 s (a dead disk must not hang us).
 *  4. the state volume's own unmount (state.h), then every other mount,
 *     newest first, else remount read-only (unmount.h).
 *  5. print "stele: reboot|halt|poweroff" and call reboot(2) from a child:
 *     the kernel may end the caller, which must not be PID 1. In a
 *     non-initial PID namespace that ends the namespace.
 * It never returns. */
#ifndef STELE_INIT_SHUTDOWN_H
#define STELE_INIT_SHUTDOWN_H

#include "settings.h"
#include "signals.h"
#include "supervise.h"

_Noreturn void shutdown_run(struct signal_source *src, struct supervised *sv,
			    enum shutdown_kind kind, struct settings *settings);

#endif
