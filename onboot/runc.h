/* runc: the runc commands the onboot runner needs, each a bounded child
 * that gets only fds 0-2 (lib/spawn.h) and /dev/null as stdin.
 *
 * Contract: every call returns 0 when runc exited 0, else -1 after one
 * log line naming the command and its status; runc_run_start() is the one
 * that does not wait. runc's own messages go to out_fd (the container's
 * log), or are inherited when out_fd is -1. */
#ifndef STELE_ONBOOT_RUNC_H
#define STELE_ONBOOT_RUNC_H

#include <stdbool.h>
#include <sys/types.h>

#define RUNC_DEFAULT_ROOT "/run/runc"

struct runc {
	const char *path; /* the runc binary */
	const char *root; /* runc's state root, on a tmpfs */
	int timeout_ms;	  /* bound for each runc command */
};

/* The first executable runc on PATH (or /usr/bin:/usr/sbin:/bin:/sbin),
 * or NULL. The result is static. */
const char *runc_find(void);

/* `runc create`: the container's stdio is runc's, so out_fd becomes the
 * container's stdout and stderr. */
int runc_create(const struct runc *r, const char *id, const char *bundle, const char *pid_file,
		int out_fd);
/* `runc run` in the foreground: runc creates, starts, waits for and
 * deletes the container, and exits with its status (a signal N as 128+N).
 * It writes pid_file once the container runs. Not waited for: returns
 * runc's pid (our child), or -1 after a line. The container's stdout and
 * stderr reach out_fd through runc's own. */
pid_t runc_run_start(const struct runc *r, const char *id, const char *bundle, const char *pid_file,
		     int out_fd);
int runc_start(const struct runc *r, const char *id, int out_fd);
int runc_kill(const struct runc *r, const char *id, const char *signal, int out_fd);
/* `runc delete -f`: kills what is left and removes the state. */
int runc_delete(const struct runc *r, const char *id, int out_fd);
/* Does runc hold state for id (a container left by an earlier run)? */
bool runc_has_state(const struct runc *r, const char *id);

/* The pid runc wrote to pid_file, or -1 (no file yet, or garbage). */
pid_t runc_read_pid_file(const char *path);

#endif
