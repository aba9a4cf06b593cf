#include "pid1/supervise.h"

#include "lib/log.h"
#include "lib/spawn.h"
#include "lib/timeline.h"

#include <errno.h>
#include <string.h>

void supervised_init(struct supervised *sv, const char *path, int restart_limit,
		     int restart_window_ms, enum crash_action on_loop)
{
	*sv = (struct supervised){
	    .path = path,
	    .restart_limit = restart_limit > RESTART_LIMIT_MAX ? RESTART_LIMIT_MAX : restart_limit,
	    .restart_window_ms = restart_window_ms,
	    .on_loop = on_loop,
	};
}

static void count_restart(struct supervised *sv)
{
	unsigned restart = sv->starts - 1;
	if (sv->restart_limit > 0)
		sv->restarts_ms[restart % (unsigned)sv->restart_limit] = sv->started_ms;
}

int supervised_start(struct supervised *sv)
{
	if (sv->starts == 0)
		log_notice("handing over to %s", sv->path);
	else
		log_warn("restarting %s (restart %u)", sv->path, sv->starts);
	sv->started_ms = boottime_ms();
	sv->starts++;
	if (sv->starts > 1)
		count_restart(sv);
	struct spawn_opts opts = SPAWN_OPTS_DEFAULT;
	opts.new_session = true;
	/* The supervisor is what brings the host back: the OOM killer takes
	 * services (and containerd, which it restarts) first. */
	opts.oom_score_adj = "-900";
	char *argv[] = {(char *)sv->path, NULL};
	pid_t pid = spawn(sv->path, argv, &opts);
	if (pid < 0) {
		log_err("start %s: fork: %s", sv->path, strerror(errno));
		sv->pid = 0;
		return -1;
	}
	sv->pid = pid;
	timeline_mark("init", "mark", "supervisor", sv->starts == 1 ? "start" : "restart");
	return 0;
}

int supervised_wait_ms(const struct supervised *sv)
{
	if (sv->pid > 0 || sv->gave_up)
		return -1;
	double due = sv->started_ms + RESTART_INTERVAL_MS - boottime_ms();
	return due > 0 ? (int)due + 1 : 0;
}

/* restart_limit restarts, the oldest of them within the window. */
static bool crash_looping(const struct supervised *sv)
{
	unsigned restarts = sv->starts - 1, limit = (unsigned)sv->restart_limit;
	if (limit == 0 || restarts < limit)
		return false;
	double oldest = sv->restarts_ms[restarts % limit];
	return boottime_ms() - oldest <= sv->restart_window_ms;
}

bool supervised_exited(struct supervised *sv, pid_t pid, int status, bool expected)
{
	if (sv->pid <= 0 || pid != sv->pid)
		return false;
	sv->pid = 0;
	char how[64];
	describe_status(status, how, sizeof how);
	if (expected) {
		log_info("%s stopped (%s)", sv->path, how);
	} else if (crash_looping(sv)) {
		sv->gave_up = true;
		log_err("%s ended unexpectedly (%s) after %d restarts in %d s: giving up: %s",
			sv->path, how, sv->restart_limit, sv->restart_window_ms / 1000,
			sv->on_loop == CRASH_REBOOT
			    ? "rebooting (crash=reboot)"
			    : "not restarting it (crash=freeze): the host stays as it is for a "
			      "post-mortem; a shutdown request still works");
	} else {
		log_err("%s ended unexpectedly (%s): restarting it", sv->path, how);
	}
	return true;
}
