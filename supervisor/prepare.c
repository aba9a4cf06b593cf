#include "supervisor/prepare.h"

#include "hostlib/bind_sources.h"
#include "hostlib/hooks.h" /* and onboot's settings.h, beside it (init has another) */
#include "lib/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define PREPARE_ERR_LEN 512

/* --- child ---------------------------------------------------------- */

static int create_bind_sources(const char *spec, const char *root, char *err, size_t len)
{
	json_error_t jerr;
	json_t *doc = json_loads(spec, 0, &jerr);
	if (!doc) {
		snprintf(err, len, "config.json: line %d: %s: fix the JSON", jerr.line, jerr.text);
		return -1;
	}
	int rc = bind_sources_create(doc, root, err, len);
	json_decref(doc);
	return rc;
}

static int prepare(const char *dir, const char *spec, const char *root, char *err, size_t len)
{
	if (create_bind_sources(spec, root, err, len) < 0)
		return -1;
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/stele.json", dir);
	struct bundle_settings s;
	if (bundle_settings_load(path, SCHEMA_SERVICE, &s, err, len) < 0)
		return -1;
	int rc = hooks_before_create(&s.runtime, dir, err, len);
	bundle_settings_free(&s);
	return rc;
}

static void child(int fd, const char *dir, const char *spec, const char *root)
{
	/* The parent's epoll, signalfd and sockets are inherited, never used. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	char err[PREPARE_ERR_LEN] = "";
	if (prepare(dir, spec, root, err, sizeof err) == 0)
		_exit(0);
	/* One line, shorter than a pipe's buffer: the write never blocks. */
	ssize_t n = write(fd, err, strnlen(err, sizeof err - 1));
	_exit(n < 0 ? 2 : 1);
}

/* --- parent --------------------------------------------------------- */

static int finish(pid_t pid, int fd, char *err, size_t errlen)
{
	int status = 0;
	int w = wait_pid_timeout(pid, PREPARE_TIMEOUT_MS, &status);
	if (w == 1) {
		bool killed = kill(pid, SIGKILL) == 0 || errno == ESRCH;
		int kill_errno = errno;
		/* A helper stuck in the kernel (a dead mount) may outlast SIGKILL:
		 * the loop goes on and main.c's SIGCHLD reaping collects it later. */
		bool reaped = wait_pid_timeout(pid, PREPARE_KILL_WAIT_MS, &status) == 0;
		if (!killed)
			snprintf(err, errlen, "host side: killing its helper: %s",
				 strerror(kill_errno));
		else
			snprintf(err, errlen,
				 "host side: no answer within %d ms (a mount hanging?)%s",
				 PREPARE_TIMEOUT_MS,
				 reaped ? "" : "; its helper, killed, is left to end on its own");
		return -1;
	}
	if (w < 0) {
		snprintf(err, errlen, "host side: waiting for its helper: %s", strerror(errno));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	char line[PREPARE_ERR_LEN];
	ssize_t n = read(fd, line, sizeof line - 1);
	if (n > 0) {
		line[n] = '\0';
		snprintf(err, errlen, "%s", line);
	} else {
		char how[64];
		snprintf(err, errlen, "host side: its helper ended with %s",
			 describe_status(status, how, sizeof how));
	}
	return -1;
}

int prepare_service(const char *dir, const char *spec, const char *state_mountpoint, char *err,
		    size_t errlen)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		snprintf(err, errlen, "host side: pipe: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		child(fds[1], dir, spec, state_mountpoint);
	}
	close(fds[1]);
	int rc = -1;
	if (pid < 0)
		snprintf(err, errlen, "host side: fork: %s", strerror(errno));
	else
		rc = finish(pid, fds[0], err, errlen);
	close(fds[0]);
	return rc;
}
