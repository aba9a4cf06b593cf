/* shutdown_procs: the process part of the orderly end, run by whichever
 * binary is PID 1 (stele-pid1, or stage 1 when it could not exec it).
 *
 * Contract, each wait bounded, orphans reaped meanwhile:
 *  1. SIGTERM to the supervisor; wait up to cfg->shutdown_timeout_ms for
 *     it to exit: it stops services and runs onshutdown containers itself.
 *  2. kill(-1, SIGTERM), reap until no child is left or
 *     cfg->kill_timeout_ms pass; then kill(-1, SIGKILL) and reap (5 s).
 * Further shutdown requests (signals, the power button) meanwhile are
 * logged and ignored; the watchdog is petted all along (events.h). The timeline
 * gets the phase "shutdown" (start, end). It returns; the filesystem part
 * (shutdown_fs.h) comes next. */
#ifndef STELE_INIT_SHUTDOWN_PROCS_H
#define STELE_INIT_SHUTDOWN_PROCS_H

#include "pid1/config.h"
#include "pid1/events.h"
#include "pid1/signals.h"
#include "pid1/supervise.h"

void shutdown_procs(struct events *ev, struct supervised *sv, enum shutdown_kind kind,
		    const struct pid1_config *cfg);

#endif
