/* runc: the runc commands the onboot runner needs, each a bounded child
 * that gets only fds 0-2 (lib/spawn.h) and /dev/null as stdin.
 *
 * Contract: every call returns 0 when runc exited 0, else -1 after one
 * log line naming the command and its status. runc's own messages go to
 * out_fd (the container's log), or are inherited when out_fd is -1. */
#ifndef STELE_ONBOOT_RUNC_H
#define STELE_ONBOOT_RUNC_H

#include <stdbool.h>

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
int runc_start(const struct runc *r, const char *id, int out_fd);
int runc_kill(const struct runc *r, const char *id, const char *signal, int out_fd);
/* `runc delete -f`: kills what is left and removes the state. */
int runc_delete(const struct runc *r, const char *id, int out_fd);
/* Does runc hold state for id (a container left by an earlier run)? */
bool runc_has_state(const struct runc *r, const char *id);

#endif
