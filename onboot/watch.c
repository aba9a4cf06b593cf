#include "onboot/watch.h"

#include "lib/log.h"
#include "onboot/runc.h"
#include "lib/timeline.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define OUTPUT_DRAIN_MS 2000 /* for output still in flight after the exit */

double watch_deadline_in(unsigned ms)
{
	return boottime_ms() + ms;
}

int watch_ms_until(double deadline)
{
	if (deadline < 0)
		return -1;
	double left = deadline - boottime_ms();
	return left <= 0 ? 0 : (int)left + 1;
}

void watch_pump(struct job *j, int *out_fd)
{
	if (*out_fd >= 0 && !output_pump(&j->out, *out_fd)) {
		close(*out_fd);
		*out_fd = -1;
	}
}

enum wait_end watch_wait(struct job *j, int pidfd, int *out_fd, double deadline)
{
	for (;;) {
		struct pollfd fds[] = {
		    {.fd = pidfd, .events = POLLIN},
		    {.fd = *out_fd, .events = POLLIN},
		    {.fd = j->sigfd, .events = POLLIN},
		};
		int r = poll(fds, 3, watch_ms_until(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			log_err("%s: poll: %s", j->bundle->name, strerror(errno));
			return WAIT_DEADLINE;
		}
		if (r == 0)
			return WAIT_DEADLINE;
		if (fds[1].revents)
			watch_pump(j, out_fd);
		if (fds[2].revents) {
			struct signalfd_siginfo info;
			if (read(j->sigfd, &info, sizeof info) == sizeof info)
				log_warn("%s: got signal %u: stopping the container and skipping "
					 "the rest",
					 j->bundle->name, info.ssi_signo);
			j->interrupted = true;
			return WAIT_SIGNAL;
		}
		if (fds[0].revents)
			return WAIT_EXITED;
	}
}

void watch_drain(struct job *j, int *out_fd)
{
	double deadline = watch_deadline_in(OUTPUT_DRAIN_MS);
	while (*out_fd >= 0) {
		struct pollfd fd = {.fd = *out_fd, .events = POLLIN};
		int r = poll(&fd, 1, watch_ms_until(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || !output_pump(&j->out, *out_fd)) {
			close(*out_fd);
			*out_fd = -1;
		}
	}
	output_flush(&j->out);
}

bool watch_reap(pid_t pid, int *status)
{
	pid_t r;
	do
		r = waitpid(pid, status, 0);
	while (r < 0 && errno == EINTR);
	if (r == pid)
		return true;
	log_warn("pid %d: cannot read its exit status (%s): is stele-onboot a subreaper?", (int)pid,
		 strerror(errno));
	return false;
}

void watch_reap_strays(void)
{
	int status;
	while (waitpid(-1, &status, WNOHANG) > 0)
		;
}

static void send_kill(const struct job *j, int pidfd, const char *what)
{
	if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		log_err("%s: SIGKILL to %s: %s", j->bundle->name, what, strerror(errno));
}

/* SIGTERM through runc (it knows the container's init), grace, SIGKILL. */
static void stop(struct job *j, const struct watched *p, int *out_fd, const char *why)
{
	const char *name = j->bundle->name;
	log_warn("%s: %s: sending SIGTERM", name, why);
	runc_kill(&j->cfg->runc, name, "TERM", j->log_fd);
	if (watch_wait(j, p->pidfd, out_fd, watch_deadline_in(j->settings.grace_s * 1000)) ==
	    WAIT_EXITED)
		return;
	log_warn("%s: still running %u s after SIGTERM: sending SIGKILL", name,
		 j->settings.grace_s);
	if (p->kill_pidfd >= 0)
		send_kill(j, p->kill_pidfd, "the container");
	else
		runc_kill(&j->cfg->runc, name, "KILL", j->log_fd);
	if (watch_wait(j, p->pidfd, out_fd, watch_deadline_in(WATCH_KILL_WAIT_MS)) == WAIT_EXITED ||
	    p->pidfd == p->kill_pidfd)
		return;
	/* runc run outlived its container (or never learnt of its end). */
	log_warn("%s: runc run still running %d s after SIGKILL: killing it too", name,
		 WATCH_KILL_WAIT_MS / 1000);
	send_kill(j, p->pidfd, "runc");
	watch_wait(j, p->pidfd, out_fd, watch_deadline_in(WATCH_KILL_WAIT_MS));
}

struct result watch_until_exit(struct job *j, const struct watched *p, int *out_fd)
{
	struct result res = {.outcome = OUTCOME_OK};
	unsigned timeout = j->settings.timeout_s;
	double deadline = timeout ? watch_deadline_in(timeout * 1000) : -1;
	enum wait_end end = watch_wait(j, p->pidfd, out_fd, deadline);
	if (end != WAIT_EXITED) {
		char why[64];
		snprintf(why, sizeof why, end == WAIT_SIGNAL ? "interrupted" : "timeout of %u s",
			 timeout);
		stop(j, p, out_fd, why);
		res.outcome = end == WAIT_SIGNAL ? OUTCOME_INTERRUPTED : OUTCOME_TIMEOUT;
	}
	res.reaped = watch_reap(p->pid, &res.status);
	if (res.outcome == OUTCOME_OK &&
	    !(res.reaped && WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0))
		res.outcome = OUTCOME_FAILED;
	return res;
}
