/* shims: each default shim group's containerd-shim-runc-v2, started as
 * soon as containerd answers, before any service needs it.
 *
 * containerd starts a group's shim at the group's first Tasks.Create, and
 * two such starts at once race in containerd 1.6 (the second can remove
 * the first one's socket and start a second daemon), so a group's first
 * task had to be created alone. Here the supervisor runs the shim's own
 * `start` once per group, one at a time per group, as containerd would
 * (same arguments, environment and socket address, a bundle directory
 * RUN/shims/K whose config.json names the group). containerd's later
 * starts for the group's tasks find the socket answering and use that
 * daemon, so the group's tasks may all be created at once.
 *
 * Contract: shims_start() spawns `start` for every group in the mask that
 * is neither up nor starting, and returns at once; shims_reaped() takes
 * their exits (main.c's SIGCHLD reaping) and calls done(K, up). Until
 * then no task of group K may be created (the race above). A group whose
 * start fails is logged and keeps the first-task-alone rule. The shim's own log
 * FIFO is read into containerd's log. shims_stop(), after containerd
 * stopped, kills a daemon of ours still running: one that no task took
 * (a shim that served tasks exits with the group's last task). */
#ifndef STELE_SHIMS_H
#define STELE_SHIMS_H

#include "supervisor/logstore.h"
#include "supervisor/loop.h"
#include "supervisor/options.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define SHIMS_MAX 64

struct shim_group {
	pid_t pid; /* of `start`, while it runs */
	bool up;
	int log_fd;
	struct watch log_watch;
	char dir[PATH_MAX];
};

struct shims {
	const struct sv_options *opt;
	struct logstore *log;
	void (*done)(unsigned group, bool up);
	struct shim_group g[SHIMS_MAX];
};

void shims_init(struct shims *s, const struct sv_options *opt, struct logstore *log,
		void (*done)(unsigned group, bool up));
/* Returns the groups whose `start` now runs: done() follows for each. */
uint64_t shims_start(struct shims *s, uint64_t groups);
bool shims_reaped(struct shims *s, pid_t pid, int status);
void shims_stop(struct shims *s);

#endif
