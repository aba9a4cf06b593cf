#include "onboot/attempt_run.h"

#include "lib/log.h"
#include "onboot/runc.h"
#include "lib/spawn.h"
#include "onboot/watch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PID_FILE_POLL_MS 50 /* only when inotify is unavailable */

/* runc writes ".NAME.pid" beside the pid file and renames it in place:
 * watch the directory. -1 when inotify is unavailable (then poll). */
static int watch_pid_dir(const char *pid_file)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", pid_file);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else
		slash[slash == dir] = '\0'; /* "/x.pid" -> "/" */
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (fd >= 0 && inotify_add_watch(fd, dir, IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void drop_events(int fd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	while (read(fd, buf, sizeof buf) > 0)
		;
}

/* Wait for the pid file, within the bound of a runc command, copying the
 * output meanwhile (runc's errors, a quick container's lines). Returns the
 * container's pid, 0 when runc exited without writing it, -1 at the bound.
 * A stop signal is left pending: watch_until_exit() acts on it at once. */
static pid_t wait_started(struct job *j, int runc_pidfd, int *out_fd)
{
	int ino = watch_pid_dir(j->pid_file);
	double deadline = watch_deadline_in((unsigned)j->cfg->runc.timeout_ms);
	pid_t pid;
	for (;;) {
		if ((pid = runc_read_pid_file(j->pid_file)) > 0)
			break;
		struct pollfd fds[] = {
		    {.fd = runc_pidfd, .events = POLLIN},
		    {.fd = *out_fd, .events = POLLIN},
		    {.fd = ino, .events = POLLIN},
		};
		int ms = watch_ms_until(deadline);
		if (ino < 0 && ms > PID_FILE_POLL_MS)
			ms = PID_FILE_POLL_MS;
		int r = poll(fds, 3, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			log_err("%s: poll: %s", j->bundle->name, strerror(errno));
			pid = -1;
			break;
		}
		if (fds[1].revents)
			watch_pump(j, out_fd);
		if (fds[2].revents)
			drop_events(ino);
		if (fds[0].revents) {
			pid = runc_read_pid_file(j->pid_file); /* written just before? */
			if (pid < 0)
				pid = 0;
			break;
		}
		if (watch_ms_until(deadline) == 0) {
			pid = -1;
			break;
		}
	}
	if (ino >= 0)
		close(ino);
	return pid;
}

static pid_t parent_of(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	const char *ppid = strstr(buf, "\nPPid:");
	return ppid ? (pid_t)strtol(ppid + 6, NULL, 10) : -1;
}

/* The container's process is runc run's child (runc clones it with
 * CLONE_PARENT). Checked after pidfd_open, so the pidfd is the container's
 * and not a process that reused the pid once runc had reaped it. -1 when
 * the container is gone already. */
static int container_pidfd(pid_t pid, pid_t runc_pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd >= 0 && parent_of(pid) != runc_pid) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* runc run exits with the container's status, a signal N as exit 128+N
 * (shells do the same): unfold it into a wait status for that signal. */
static int container_status(int runc_status)
{
	if (WIFEXITED(runc_status)) {
		int code = WEXITSTATUS(runc_status);
		if (code > 128 && code - 128 < NSIG)
			return code - 128;
	}
	return runc_status;
}

/* runc exited (pid 0), or hung (pid -1), before the container ran. */
static void not_started(struct job *j, pid_t runc_pid, pid_t pid)
{
	const char *name = j->bundle->name;
	if (pid < 0) {
		log_err("%s: runc run did not start the container in %d ms: killed it", name,
			j->cfg->runc.timeout_ms);
		kill(runc_pid, SIGKILL); /* our child, not reaped yet: the pid is still runc's */
	}
	int status;
	char desc[64];
	if (watch_reap(runc_pid, &status) && pid == 0)
		log_err("%s: runc run failed: %s", name,
			describe_status(status, desc, sizeof desc));
}

struct result attempt_run(struct job *j, int out_w, int *out_fd)
{
	struct result res = {.outcome = OUTCOME_ERROR};
	const char *name = j->bundle->name;
	pid_t runc_pid = runc_run_start(&j->cfg->runc, name, j->bundle->dir, j->pid_file, out_w);
	close(out_w);
	if (runc_pid < 0)
		return res;
	int pidfd = (int)syscall(SYS_pidfd_open, runc_pid, 0);
	if (pidfd < 0) {
		log_err("%s: pidfd_open %d: %s (Linux 5.3 or later is needed)", name, (int)runc_pid,
			strerror(errno));
		kill(runc_pid, SIGKILL);
		int status;
		watch_reap(runc_pid, &status);
		return res;
	}
	pid_t pid = wait_started(j, pidfd, out_fd);
	if (pid > 0) {
		struct watched p = {
		    .pid = runc_pid, .pidfd = pidfd, .kill_pidfd = container_pidfd(pid, runc_pid)};
		res = watch_until_exit(j, &p, out_fd);
		if (res.reaped)
			res.status = container_status(res.status);
		if (p.kill_pidfd >= 0)
			close(p.kill_pidfd);
	} else {
		not_started(j, runc_pid, pid);
	}
	close(pidfd);
	return res;
}
