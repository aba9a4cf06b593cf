#include "onboot/attempt_create.h"

#include "hostlib/hooks.h"
#include "lib/log.h"
#include "onboot/runc.h"
#include "onboot/watch.h"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Between `runc create` and the end: hooks, start, wait. */
static struct result run_created(struct job *j, pid_t pid, int *out_fd)
{
	struct result res = {.outcome = OUTCOME_ERROR};
	const char *name = j->bundle->name;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		log_err("%s: pidfd_open %d: %s (Linux 5.3 or later is needed)", name, (int)pid,
			strerror(errno));
		return res;
	}
	struct watched p = {.pid = pid, .pidfd = pidfd, .kill_pidfd = pidfd};
	char err[512];
	if (hooks_after_create(&j->settings.runtime, pid, err, sizeof err) < 0)
		log_err("%s: %s", name, err);
	else if (runc_start(&j->cfg->runc, name, j->log_fd) == 0)
		res = watch_until_exit(j, &p, out_fd);
	if (!res.reaped) {
		/* Never started, or not reaped: delete -f kills it; reap it then. */
		runc_delete(&j->cfg->runc, name, j->log_fd);
		if (watch_wait(j, pidfd, out_fd, watch_deadline_in(WATCH_KILL_WAIT_MS)) ==
		    WAIT_EXITED)
			watch_reap(pid, &res.status);
	}
	close(pidfd);
	return res;
}

struct result attempt_create(struct job *j, int out_w, int *out_fd)
{
	const char *name = j->bundle->name;
	int created = runc_create(&j->cfg->runc, name, j->bundle->dir, j->pid_file, out_w);
	close(out_w);
	pid_t pid = created == 0 ? runc_read_pid_file(j->pid_file) : -1;
	if (created == 0 && pid < 0)
		log_err("%s: runc create wrote no pid to %s", name, j->pid_file);
	if (pid > 0)
		return run_created(j, pid, out_fd);
	return (struct result){.outcome = OUTCOME_ERROR};
}
