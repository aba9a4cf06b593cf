#include "supervisor/bundleparse.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/spawn.h"

#include "containerd/ctrd.h"
#include "schema/schema.h"
#include "supervisor/bundlewire.h"
#include "supervisor/early.h"
#include "supervisor/spec.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* How long a child that has sent everything, or was killed, gets to end. */
#define PARSER_EXIT_WAIT_MS 1000

/* --- child ---------------------------------------------------------- */

static int parse_one(int fd, const struct bundle_request *r, const char *ns,
		     const char *state_mountpoint, const struct early_reach *reach)
{
	struct parsed_bundle b = {0};
	char path[4200], msg[BUNDLE_ERR_LEN];
	char *raw = NULL;
	size_t len = 0;
	snprintf(path, sizeof path, "%s/stele.json", r->dir);
	if (svcconf_load(path, &b.conf, b.err, sizeof b.err) == 0 &&
	    (raw = ctrd_bundle_spec(r->dir, &len, b.err, sizeof b.err))) {
		b.binds_state_dir = spec_binds_under(raw, len, state_mountpoint);
		b.spec = spec_adjust(raw, len, ns, r->name,
				     b.conf.ready == READY_NOTIFY ? r->notify_dir : NULL,
				     b.conf.pids, r->shim_group, msg, sizeof msg);
		if (!b.spec)
			snprintf(b.err, sizeof b.err, "%.200s/config.json: %.300s", r->dir, msg);
	}
	free(raw);
	b.ok = b.spec != NULL;
	if (b.ok) {
		b.spec_len = strlen(b.spec);
		b.early = early_verdict(reach, b.spec, b.spec_len, r->dir, b.conf.n_depends,
					b.late_why, sizeof b.late_why);
		spec_shim_group_name(b.spec, b.spec_len, b.shim_group_name,
				     sizeof b.shim_group_name);
	}
	int rc = bundlewire_send(fd, &b);
	bundlewire_release(&b);
	return rc;
}

static void child(int fd, const struct bundle_request *req, size_t n, const char *ns,
		  const char *state_mountpoint, const char *onboot_dir)
{
	/* The parent's epoll, signalfd and sockets are inherited, never used. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	struct early_reach reach;
	early_reach_load(onboot_dir, &reach);
	for (size_t i = 0; i < n; i++)
		if (parse_one(fd, &req[i], ns, state_mountpoint, &reach) < 0)
			_exit(1);
	_exit(0);
}

/* --- parent --------------------------------------------------------- */

/* The child ends right after its last record, or at SIGKILL; one stuck in
 * the kernel (a dead mount under a bundle) must not hold the supervisor:
 * after the exchange's own deadline (at least PARSER_EXIT_WAIT_MS) it is
 * left to main.c's SIGCHLD reaping. */
static bool reap_child(pid_t pid, int64_t deadline, int *status)
{
	int64_t left = deadline - boottime_ms_int();
	if (left < PARSER_EXIT_WAIT_MS)
		left = PARSER_EXIT_WAIT_MS;
	return wait_pid_timeout(pid, (int)left, status) == 0;
}

int bundles_parse(const struct bundle_request *req, size_t n, const char *ns,
		  const char *state_mountpoint, const char *onboot_dir, struct parsed_bundle *out,
		  int timeout_ms, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++)
		memset(&out[i], 0, sizeof out[i]);
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "bundle parser: pipe: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		child(fds[1], req, n, ns, state_mountpoint, onboot_dir);
	}
	close(fds[1]);
	if (pid < 0) {
		snprintf(err, errlen, "bundle parser: fork: %s", strerror(errno));
		close(fds[0]);
		return -1;
	}
	int64_t deadline = boottime_ms_int() + timeout_ms;
	size_t i = 0;
	int rc = 0;
	for (; i < n; i++) {
		rc = bundlewire_receive(fds[0], &out[i], deadline);
		if (rc < 0)
			break;
	}
	int saved = errno;
	close(fds[0]);
	if (rc < 0 && kill(pid, SIGKILL) < 0 && errno != ESRCH)
		saved = errno;
	int status = 0;
	if (!reap_child(pid, deadline, &status) && rc == 0) {
		kill(pid, SIGKILL);
		log_warn("bundle parser: still running after its last record: killed, and "
			 "left to end on its own");
	}
	if (rc == 0)
		return 0;
	bundlewire_release(&out[i]);
	if (rc == -2)
		snprintf(err, errlen, "bundle parser: a malformed record for %s", req[i].name);
	else if (saved == ETIMEDOUT)
		snprintf(err, errlen, "bundle parser: no answer within %d ms at %s", timeout_ms,
			 req[i].name);
	else if (WIFSIGNALED(status))
		snprintf(err, errlen, "bundle parser died of signal %d (%s) at %s",
			 WTERMSIG(status), strsignal(WTERMSIG(status)), req[i].name);
	else
		snprintf(err, errlen, "bundle parser: reading at %s: %s", req[i].name,
			 strerror(saved));
	for (; i < n; i++)
		snprintf(out[i].err, sizeof out[i].err, "%.300s: fix that bundle or remove it",
			 err);
	return -1;
}
