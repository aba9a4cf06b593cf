#include "pid1/supervise.h"

#include "lib/log.h"
#include "lib/spawn.h"
#include "lib/timeline.h"

#include <errno.h>
#include <string.h>

void supervised_init(struct supervised *sv, const char *path)
{
	*sv = (struct supervised){.path = path};
}

int supervised_start(struct supervised *sv)
{
	if (sv->starts == 0)
		log_notice("handing over to %s", sv->path);
	else
		log_warn("restarting %s (restart %u)", sv->path, sv->starts);
	sv->started_ms = boottime_ms();
	sv->starts++;
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

int supervised_restart_delay_ms(const struct supervised *sv)
{
	double due = sv->started_ms + RESTART_INTERVAL_MS - boottime_ms();
	return due > 0 ? (int)due + 1 : 0;
}

bool supervised_exited(struct supervised *sv, pid_t pid, int status, bool expected)
{
	if (sv->pid <= 0 || pid != sv->pid)
		return false;
	char how[64];
	describe_status(status, how, sizeof how);
	if (expected)
		log_info("%s stopped (%s)", sv->path, how);
	else
		log_err("%s ended unexpectedly (%s): restarting it", sv->path, how);
	sv->pid = 0;
	return true;
}
