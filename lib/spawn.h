/* spawn: start a child the way an init must.
 *
 * Contract: the child starts with an empty signal mask, default signal
 * dispositions, cwd "/" (or opts->cwd), and only fds 0-2 open (CVE-2024-21626: a leaked
 * fd is a container escape). stdout/stderr are the fds given, or the
 * parent's when -1. stdin is the fd given, else /dev/null (an empty pipe
 * when /dev has no null yet): never the parent's, which for PID 1 is the
 * console, where a tool that asks a question ("Proceed anyway?") would
 * wait for ever. Returns the pid, or -1 with errno set. */
#ifndef STELE_SPAWN_H
#define STELE_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

struct spawn_opts {
	int stdin_fd;  /* -1: /dev/null */
	int stdout_fd; /* -1: inherit */
	int stderr_fd; /* -1: inherit */
	bool new_session;
	char *const *envp; /* NULL: inherit environ */
	/* NULL: inherit. Else written to /proc/self/oom_score_adj in the
	 * child: PID 1 runs at -1000, which its children must not keep. */
	const char *oom_score_adj;
	const char *cwd; /* NULL: "/" */
};

#define SPAWN_OPTS_DEFAULT                                                                         \
	{                                                                                          \
		.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1                                   \
	}

pid_t spawn(const char *path, char *const argv[], const struct spawn_opts *opts);

/* In a freshly forked child: reset signal state, close every fd >= 3. */
void child_reset(void);

/* In a freshly forked child: empty signal mask, every disposition default
 * (a fault in a child of PID 1 must not run PID 1's crash handler). */
void child_reset_signals(void);

/* Close every fd >= lowfd: close_range(2), else a walk of /proc/self/fd. */
void close_fds_from(int lowfd);

/* Wait for pid up to timeout_ms (<0: forever). Returns 0 with *status set
 * when it exited, 1 on timeout (the child still runs, or has ended but
 * cannot be reaped yet: a tracer holds it), -1 on error.
 * Uses a pidfd, so it never reaps another child. */
int wait_pid_timeout(pid_t pid, int timeout_ms, int *status);

/* Run argv to completion within timeout_ms. Its stdout and stderr go to
 * out_fd (-1: inherit). On timeout it gets SIGTERM, then SIGKILL after
 * grace_ms, then at most RUN_BOUNDED_KILL_WAIT_MS more: one that survives
 * that (stuck in the kernel) is left unreaped for the caller's reaper.
 * Returns the wait status, or -1 on a spawn error or timeout (errno
 * ETIMEDOUT). */
#define RUN_BOUNDED_KILL_WAIT_MS 5000
int run_bounded(char *const argv[], int out_fd, int timeout_ms, int grace_ms);

/* Describe a wait status: "exit 3", "signal 9 (Killed)". */
const char *describe_status(int status, char *buf, size_t len);

#endif
