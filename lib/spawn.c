#include "lib/spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#endif

void close_fds_from(int lowfd)
{
	if (syscall(SYS_close_range, (unsigned)lowfd, ~0U, 0) == 0)
		return;
	DIR *dir = opendir("/proc/self/fd");
	if (!dir) {
		for (int fd = lowfd; fd < 65536; fd++)
			close(fd);
		return;
	}
	int self = dirfd(dir);
	struct dirent *entry;
	while ((entry = readdir(dir))) {
		int fd = atoi(entry->d_name);
		if (fd >= lowfd && fd != self)
			close(fd);
	}
	closedir(dir);
}

/* The kernel's struct sigaction: glibc refuses to touch the two real-time
 * signals it keeps for itself (32, 33), yet an ignored disposition of
 * theirs survives exec and must not reach a child. */
struct kernel_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

static void default_disposition(int sig)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	if (sigaction(sig, &dfl, NULL) == 0 || sig == SIGKILL || sig == SIGSTOP)
		return;
	struct kernel_sigaction kdfl = {.handler = SIG_DFL};
	syscall(SYS_rt_sigaction, sig, &kdfl, NULL, sizeof kdfl.mask);
}

void child_reset_signals(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		default_disposition(sig);
}

void child_reset(void)
{
	child_reset_signals();
	close_fds_from(3);
	if (chdir("/") < 0)
		_exit(126);
}

/* dup2 keeps the target when it already is fd; clear CLOEXEC then. */
static int install_fd(int from, int to)
{
	if (from < 0)
		return 0;
	if (from == to)
		return fcntl(to, F_SETFD, 0);
	return dup2(from, to) < 0 ? -1 : 0;
}

/* What a child reads when no stdin is given: end of file at once. */
static int empty_stdin(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	int ends[2];
	if (pipe2(ends, O_CLOEXEC) < 0)
		return -1;
	close(ends[1]);
	return ends[0];
}

static void set_oom_score_adj(const char *value)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, strlen(value)) < 0)
		dprintf(2, "oom_score_adj %s: %s\n", value, strerror(errno));
	if (fd >= 0)
		close(fd);
}

pid_t spawn(const char *path, char *const argv[], const struct spawn_opts *opts)
{
	struct spawn_opts none = SPAWN_OPTS_DEFAULT;
	if (!opts)
		opts = &none;
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	int in = opts->stdin_fd >= 0 ? opts->stdin_fd : empty_stdin();
	if (in < 0 || install_fd(in, 0) < 0 || install_fd(opts->stdout_fd, 1) < 0 ||
	    install_fd(opts->stderr_fd, 2) < 0)
		_exit(126);
	child_reset();
	if (opts->oom_score_adj)
		set_oom_score_adj(opts->oom_score_adj);
	if (opts->new_session)
		setsid();
	if (opts->cwd && chdir(opts->cwd) < 0)
		_exit(126);
	if (opts->envp)
		execve(path, argv, opts->envp);
	else
		execv(path, argv);
	int saved = errno;
	dprintf(2, "exec %s: %s\n", path, strerror(saved));
	_exit(saved == ENOENT ? 127 : 126);
}

int wait_pid_timeout(pid_t pid, int timeout_ms, int *status)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd >= 0) {
		struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
		int r;
		do
			r = poll(&pfd, 1, timeout_ms);
		while (r < 0 && errno == EINTR);
		close(pidfd);
		if (r < 0)
			return -1;
		if (r == 0)
			return 1;
		/* Readable, yet a child traced by another process is reaped only
		 * once its tracer lets it go: a bounded wait must not block here. */
		if (timeout_ms >= 0) {
			pid_t w;
			do
				w = waitpid(pid, status, WNOHANG);
			while (w < 0 && errno == EINTR);
			return w == pid ? 0 : w == 0 ? 1 : -1;
		}
	} else if (errno != ESRCH) {
		/* Kernels before 5.3: fall back to polling waitpid. */
		for (int waited = 0; timeout_ms < 0 || waited < timeout_ms; waited += 10) {
			pid_t r = waitpid(pid, status, WNOHANG);
			if (r == pid)
				return 0;
			if (r < 0 && errno != EINTR)
				return -1;
			usleep(10000);
		}
		return 1;
	}
	pid_t r;
	do
		r = waitpid(pid, status, 0);
	while (r < 0 && errno == EINTR);
	return r == pid ? 0 : -1;
}

int run_bounded(char *const argv[], int out_fd, int timeout_ms, int grace_ms)
{
	struct spawn_opts opts = SPAWN_OPTS_DEFAULT;
	opts.stdout_fd = out_fd;
	opts.stderr_fd = out_fd;
	pid_t pid = spawn(argv[0], argv, &opts);
	if (pid < 0)
		return -1;
	int status = 0;
	int r = wait_pid_timeout(pid, timeout_ms, &status);
	if (r == 0)
		return status;
	kill(pid, SIGTERM);
	if (wait_pid_timeout(pid, grace_ms, &status) != 0) {
		kill(pid, SIGKILL);
		/* A tool stuck in the kernel (D state on a dead disk) outlives
		 * SIGKILL: leave it to the caller's reaper rather than hang. */
		wait_pid_timeout(pid, RUN_BOUNDED_KILL_WAIT_MS, &status);
	}
	errno = ETIMEDOUT;
	return -1;
}

const char *describe_status(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "status 0x%x", status);
	return buf;
}
