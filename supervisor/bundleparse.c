#include "supervisor/bundleparse.h"
#include "lib/clock.h"
#include "lib/fdio.h"

#include "containerd/ctrd.h"
#include "schema/schema.h"
#include "supervisor/early.h"
#include "supervisor/spec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SPEC (8 * 1024 * 1024)
#define MAX_DEPS SCHEMA_DEPENDS_MAX
#define MAX_NAME SCHEMA_NAME_MAX

/* One record on the pipe: this header, then err_len bytes of message,
 * late_len bytes of why it is created after onboot, group_len bytes of its
 * shim group's name, n_depends times (uint32 length, name bytes), then
 * spec_len bytes. */
struct wire {
	uint32_t ok, err_len, early, late_len, group_len;
	uint32_t restart_mode, min_ms, max_ms, limit, window_ms;
	uint32_t ready, timeout_s, grace_s, optional, binds_state, binds_dir, console;
	uint32_t n_depends, spec_len;
};

/* --- child ---------------------------------------------------------- */

static int send_record(int fd, const struct wire *w, const char *err, const char *late,
		       const char *group, const struct svcconf *c, const char *spec)
{
	if (write_all(fd, w, sizeof *w) < 0 || write_all(fd, err, w->err_len) < 0 ||
	    write_all(fd, late, w->late_len) < 0 || write_all(fd, group, w->group_len) < 0)
		return -1;
	for (uint32_t i = 0; i < w->n_depends; i++) {
		uint32_t len = (uint32_t)strlen(c->depends_on[i]);
		if (write_all(fd, &len, sizeof len) < 0 || write_all(fd, c->depends_on[i], len) < 0)
			return -1;
	}
	return write_all(fd, spec, w->spec_len);
}

static int parse_one(int fd, const struct bundle_request *r, const char *ns,
		     const char *state_mountpoint, const struct early_reach *reach)
{
	struct svcconf c;
	struct wire w = {0};
	char err[BUNDLE_ERR_LEN] = "", path[4200], msg[BUNDLE_ERR_LEN];
	char *raw = NULL, *spec = NULL;
	size_t len = 0;
	snprintf(path, sizeof path, "%s/stele.json", r->dir);
	if (svcconf_load(path, &c, err, sizeof err) == 0 &&
	    (raw = ctrd_bundle_spec(r->dir, &len, err, sizeof err))) {
		w.binds_dir = spec_binds_under(raw, len, state_mountpoint);
		spec = spec_adjust(raw, len, ns, r->name,
				   c.ready == READY_NOTIFY ? r->notify_dir : NULL, c.pids,
				   r->shim_group, msg, sizeof msg);
		if (!spec)
			snprintf(err, sizeof err, "%.200s/config.json: %.300s", r->dir, msg);
	}
	free(raw);
	w.ok = spec != NULL;
	w.err_len = w.ok ? 0 : (uint32_t)strnlen(err, sizeof err - 1);
	w.restart_mode = c.restart.mode;
	w.min_ms = (uint32_t)c.restart.min_ms;
	w.max_ms = (uint32_t)c.restart.max_ms;
	w.limit = (uint32_t)c.restart.limit;
	w.window_ms = (uint32_t)c.restart.window_ms;
	w.ready = c.ready;
	w.timeout_s = (uint32_t)c.timeout_s;
	w.grace_s = (uint32_t)c.grace_s;
	w.optional = c.optional;
	w.binds_state = c.binds_state;
	w.console = c.console;
	w.n_depends = w.ok ? (uint32_t)c.n_depends : 0;
	w.spec_len = spec ? (uint32_t)strlen(spec) : 0;
	char late[BUNDLE_LATE_LEN] = "";
	if (spec)
		w.early =
		    early_verdict(reach, spec, w.spec_len, r->dir, c.n_depends, late, sizeof late);
	w.late_len = (uint32_t)strnlen(late, sizeof late - 1);
	char group[SPEC_SHIM_GROUP_NAME_MAX] = "";
	if (spec)
		spec_shim_group_name(spec, w.spec_len, group, sizeof group);
	w.group_len = (uint32_t)strlen(group);
	int rc = send_record(fd, &w, err, late, group, &c, spec);
	svcconf_free(&c);
	free(spec);
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

/* Read exactly len bytes before the deadline; -1 with errno ETIMEDOUT or
 * EPIPE (the child ended early). */
static int read_exact(int fd, void *buf, size_t len, int64_t deadline)
{
	char *p = buf;
	while (len > 0) {
		int64_t left = deadline - boottime_ms_int();
		if (left <= 0)
			return errno = ETIMEDOUT, -1;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			continue;
		ssize_t got = read(fd, p, len);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0)
			return errno = got == 0 ? EPIPE : errno, -1;
		p += got;
		len -= (size_t)got;
	}
	return 0;
}

/* Every value is checked again: the child's output is as untrusted as its
 * input. Returns 0, -1 on I/O (errno), -2 on a record out of bounds. */
static int receive(int fd, struct parsed_bundle *b, int64_t deadline)
{
	struct wire w;
	if (read_exact(fd, &w, sizeof w, deadline) < 0)
		return -1;
	if (w.err_len >= BUNDLE_ERR_LEN || w.late_len >= BUNDLE_LATE_LEN || w.early > 1 ||
	    w.group_len >= SPEC_SHIM_GROUP_NAME_MAX || w.n_depends > MAX_DEPS ||
	    w.spec_len > MAX_SPEC || w.restart_mode > RESTART_NEVER || w.ready > READY_NOTIFY ||
	    w.limit < 1 || w.limit > RESTART_MAX_LIMIT || (w.ok && w.spec_len == 0) ||
	    w.min_ms < 1 || w.max_ms > SCHEMA_SECONDS_MAX * 1000u ||
	    w.window_ms > SCHEMA_SECONDS_MAX * 1000u || w.timeout_s > SCHEMA_SECONDS_MAX ||
	    w.grace_s > SCHEMA_SECONDS_MAX)
		return -2;
	if (read_exact(fd, b->err, w.err_len, deadline) < 0)
		return -1;
	b->err[w.err_len] = '\0';
	if (read_exact(fd, b->late_why, w.late_len, deadline) < 0)
		return -1;
	b->late_why[w.late_len] = '\0';
	if (read_exact(fd, b->shim_group_name, w.group_len, deadline) < 0)
		return -1;
	b->shim_group_name[w.group_len] = '\0';
	b->early = w.early;
	svcconf_defaults(&b->conf);
	b->conf.restart = (struct restart_policy){.mode = (enum restart_mode)w.restart_mode,
						  .min_ms = (int)w.min_ms,
						  .max_ms = (int)w.max_ms,
						  .limit = (int)w.limit,
						  .window_ms = (int)w.window_ms};
	b->conf.ready = (enum ready_mode)w.ready;
	b->conf.timeout_s = (int)w.timeout_s;
	b->conf.grace_s = (int)w.grace_s;
	b->conf.optional = w.optional;
	b->conf.binds_state = w.binds_state;
	b->conf.console = w.console;
	b->binds_state_dir = w.binds_dir;
	b->conf.depends_on = calloc(w.n_depends + 1, sizeof *b->conf.depends_on);
	if (!b->conf.depends_on)
		return errno = ENOMEM, -1;
	for (uint32_t i = 0; i < w.n_depends; i++) {
		uint32_t len;
		if (read_exact(fd, &len, sizeof len, deadline) < 0)
			return -1;
		if (len == 0 || len > MAX_NAME)
			return -2;
		char *name = calloc(1, len + 1);
		if (!name)
			return errno = ENOMEM, -1;
		b->conf.depends_on[b->conf.n_depends++] = name;
		if (read_exact(fd, name, len, deadline) < 0)
			return -1;
		if (!schema_name_valid(name))
			return -2;
	}
	b->spec = malloc((size_t)w.spec_len + 1);
	if (!b->spec)
		return errno = ENOMEM, -1;
	if (read_exact(fd, b->spec, w.spec_len, deadline) < 0)
		return -1;
	b->spec[w.spec_len] = '\0';
	b->spec_len = w.spec_len;
	b->ok = w.ok && strlen(b->spec) == w.spec_len;
	if (!b->ok) {
		free(b->spec);
		b->spec = NULL;
		b->spec_len = 0;
	}
	return 0;
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
		rc = receive(fds[0], &out[i], deadline);
		if (rc < 0)
			break;
	}
	int saved = errno;
	close(fds[0]);
	if (rc < 0 && kill(pid, SIGKILL) < 0 && errno != ESRCH)
		saved = errno;
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc == 0)
		return 0;
	svcconf_free(&out[i].conf);
	free(out[i].spec);
	memset(&out[i], 0, sizeof out[i]);
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
