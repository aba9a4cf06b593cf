#include "onboot/runc.h"

#include "lib/log.h"
#include "lib/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *runc_find(void)
{
	static char found[PATH_MAX];
	const char *env = getenv("PATH");
	char path[4096];
	snprintf(path, sizeof path, "%s:/usr/bin:/usr/sbin:/bin:/sbin", env ? env : "");
	char *save = NULL;
	for (char *dir = strtok_r(path, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		if ((size_t)snprintf(found, sizeof found, "%s/runc", dir) < sizeof found &&
		    access(found, X_OK) == 0)
			return found;
	}
	return NULL;
}

/* Start `runc --root ROOT ARGS...` with stdin /dev/null, stdout and
 * stderr on out_fd, and no other fd. Returns its pid, or -1 after a line. */
static pid_t runc_spawn(const struct runc *r, const char *what, const char *id, char *const args[],
			int out_fd)
{
	char *argv[16] = {(char *)r->path, "--root", (char *)r->root};
	int argc = 3;
	for (int i = 0; args[i] && argc < 15; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;

	struct spawn_opts opts = SPAWN_OPTS_DEFAULT;
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	opts.stdin_fd = devnull; /* -1 when missing: inherit */
	opts.stdout_fd = out_fd;
	opts.stderr_fd = out_fd;
	pid_t pid = spawn(r->path, argv, &opts);
	int saved = errno;
	if (devnull >= 0)
		close(devnull);
	if (pid < 0)
		log_err("%s: runc %s: cannot start %s: %s", id, what, r->path, strerror(saved));
	return pid;
}

/* Run `runc --root ROOT ARGS...` to completion within r->timeout_ms. */
static int runc_run(const struct runc *r, const char *what, const char *id, char *const args[],
		    int out_fd)
{
	pid_t pid = runc_spawn(r, what, id, args, out_fd);
	if (pid < 0)
		return -1;
	int status = 0;
	int w = wait_pid_timeout(pid, r->timeout_ms, &status);
	if (w == 1) {
		kill(pid, SIGKILL);
		wait_pid_timeout(pid, -1, &status);
		log_err("%s: runc %s did not finish in %d ms: killed it", id, what, r->timeout_ms);
		return -1;
	}
	if (w < 0) {
		log_err("%s: runc %s: wait: %s", id, what, strerror(errno));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	char desc[64];
	log_err("%s: runc %s failed: %s", id, what, describe_status(status, desc, sizeof desc));
	return -1;
}

int runc_create(const struct runc *r, const char *id, const char *bundle, const char *pid_file,
		int out_fd)
{
	char *args[] = {"create",   "--bundle", (char *)bundle, "--pid-file", (char *)pid_file,
			(char *)id, NULL};
	return runc_run(r, "create", id, args, out_fd);
}

pid_t runc_run_start(const struct runc *r, const char *id, const char *bundle, const char *pid_file,
		     int out_fd)
{
	char *args[] = {"run",	    "--bundle", (char *)bundle, "--pid-file", (char *)pid_file,
			(char *)id, NULL};
	return runc_spawn(r, "run", id, args, out_fd);
}

int runc_start(const struct runc *r, const char *id, int out_fd)
{
	char *args[] = {"start", (char *)id, NULL};
	return runc_run(r, "start", id, args, out_fd);
}

int runc_kill(const struct runc *r, const char *id, const char *signal, int out_fd)
{
	char *args[] = {"kill", (char *)id, (char *)signal, NULL};
	return runc_run(r, "kill", id, args, out_fd);
}

int runc_delete(const struct runc *r, const char *id, int out_fd)
{
	char *args[] = {"delete", "-f", (char *)id, NULL};
	return runc_run(r, "delete", id, args, out_fd);
}

bool runc_has_state(const struct runc *r, const char *id)
{
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", r->root, id);
	return stat(path, &st) == 0;
}

pid_t runc_read_pid_file(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	long pid = n > 0 ? strtol(buf, NULL, 10) : -1;
	return pid > 0 && pid < INT32_MAX ? (pid_t)pid : -1;
}
