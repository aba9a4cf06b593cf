#include "prepare.h"

#include "hooks.h" /* and onboot's settings.h, beside it (init has another) */
#include "spawn.h"
#include "state_bind.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PREPARE_ERR_LEN 512

/* --- child ---------------------------------------------------------- */

static bool is_bind(const json_t *mount)
{
	const char *type = json_string_value(json_object_get(mount, "type"));
	if (type && strcmp(type, "bind") == 0)
		return true;
	size_t i;
	const json_t *opt;
	json_array_foreach(json_object_get(mount, "options"), i, opt)
	{
		const char *o = json_string_value(opt);
		if (o && (strcmp(o, "bind") == 0 || strcmp(o, "rbind") == 0))
			return true;
	}
	return false;
}

/* A uid or gid from process.user; absent is root. */
static int user_id(const json_t *user, const char *key, unsigned *out)
{
	const json_t *v = json_object_get(user, key);
	if (!v) {
		*out = 0;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > (json_int_t)UINT32_MAX - 1)
		return -1;
	*out = (unsigned)json_integer_value(v);
	return 0;
}

static int create_bind_sources(const char *spec, const char *root, char *err, size_t len)
{
	json_error_t jerr;
	json_t *doc = json_loads(spec, 0, &jerr);
	if (!doc) {
		snprintf(err, len, "config.json: line %d: %s: fix the JSON", jerr.line, jerr.text);
		return -1;
	}
	const json_t *user = json_object_get(json_object_get(doc, "process"), "user");
	unsigned uid, gid;
	int rc = 0;
	if (user_id(user, "uid", &uid) < 0 || user_id(user, "gid", &gid) < 0) {
		snprintf(err, len, "config.json: process.user uid and gid must be whole numbers");
		rc = -1;
	}
	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(doc, "mounts"), i, m)
	{
		const char *src = json_string_value(json_object_get(m, "source"));
		struct stat st;
		if (rc < 0 || !src || !is_bind(m))
			continue;
		/* A file bind's source is the image's business, not a directory to make. */
		if (lstat(src, &st) == 0 && !S_ISDIR(st.st_mode))
			continue;
		char why[400];
		if (state_bind_source(root, src, uid, gid, 0755, why, sizeof why) < 0) {
			snprintf(err, len, "bind source %s: %s", src, why);
			rc = -1;
		}
	}
	json_decref(doc);
	return rc;
}

static int prepare(const char *dir, const char *spec, const char *root, char *err, size_t len)
{
	if (create_bind_sources(spec, root, err, len) < 0)
		return -1;
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/stele.json", dir);
	struct onboot_settings s;
	if (settings_load(path, &s, err, len) < 0)
		return -1;
	int rc = hooks_before_create(&s.runtime, err, len);
	settings_free(&s);
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
		if (kill(pid, SIGKILL) < 0 && errno != ESRCH)
			snprintf(err, errlen, "host side: killing its helper: %s", strerror(errno));
		else
			snprintf(err, errlen,
				 "host side: no answer within %d ms (a mount hanging?)",
				 PREPARE_TIMEOUT_MS);
		wait_pid_timeout(pid, -1, &status);
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
