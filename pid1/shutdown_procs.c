#include "pid1/shutdown_procs.h"

#include "lib/log.h"
#include "lib/timeline.h"
#include "pid1/reap.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#define KILL_GRACE_MS 5000

struct waiting {
	struct supervised *sv;
	bool none_left;
};

static void on_child_exit(pid_t pid, int status, void *ctx)
{
	struct waiting *w = ctx;
	supervised_exited(w->sv, pid, status, true);
}

/* Reap until done() or timeout_ms pass. More shutdown requests change
 * nothing: the first one is already being carried out. */
static bool reap_until(struct events *ev, struct waiting *w, int timeout_ms,
		       bool (*done)(const struct waiting *))
{
	double deadline = boottime_ms() + timeout_ms;
	for (;;) {
		reap_all(on_child_exit, w, &w->none_left);
		if (done(w))
			return true;
		double left = deadline - boottime_ms();
		if (left <= 0)
			return false;
		struct event e = events_next(ev, (int)left + 1);
		if (e.kind == EVENT_SIGNAL && e.signo != SIGCHLD)
			log_info("shutdown already under way: signal %d ignored", e.signo);
		else if (e.kind == EVENT_POWER_BUTTON)
			log_info("shutdown already under way: power button ignored");
	}
}

static bool supervisor_gone(const struct waiting *w)
{
	return w->sv->pid <= 0;
}

static bool no_child_left(const struct waiting *w)
{
	return w->none_left;
}

static void stop_supervisor(struct events *ev, struct waiting *w, int timeout_ms)
{
	if (w->sv->pid <= 0)
		return;
	if (kill(w->sv->pid, SIGTERM) < 0 && errno != ESRCH)
		log_err("stop %s: kill: %s", w->sv->path, strerror(errno));
	if (!reap_until(ev, w, timeout_ms, supervisor_gone))
		log_err("%s did not stop within %d s: killing every process", w->sv->path,
			timeout_ms / 1000);
}

static void kill_everything(struct events *ev, struct waiting *w, int timeout_ms)
{
	if (kill(-1, SIGTERM) < 0 && errno != ESRCH)
		log_err("kill -1 TERM: %s", strerror(errno));
	if (reap_until(ev, w, timeout_ms, no_child_left))
		return;
	log_warn("processes still running after %d s: sending SIGKILL", timeout_ms / 1000);
	if (kill(-1, SIGKILL) < 0 && errno != ESRCH)
		log_err("kill -1 KILL: %s", strerror(errno));
	if (!reap_until(ev, w, KILL_GRACE_MS, no_child_left))
		log_err("processes survive SIGKILL (stuck in the kernel): going on");
}

void shutdown_procs(struct events *ev, struct supervised *sv, enum shutdown_kind kind,
		    const struct pid1_config *cfg)
{
	log_info("shutdown: %s", shutdown_kind_name(kind));
	timeline_mark("init", "phase", "shutdown", "start");
	struct waiting w = {.sv = sv};
	stop_supervisor(ev, &w, cfg->shutdown_timeout_ms);
	kill_everything(ev, &w, cfg->kill_timeout_ms);
	timeline_mark("init", "phase", "shutdown", "end");
}
