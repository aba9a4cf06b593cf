/* cdproc: the containerd process and the supervisor's one connection to it.
 *
 * Contract:
 *  - cdproc_init() adopts the containerd a dead supervisor left
 *    (RUN/containerd.pid, a live process named containerd) or starts one
 *    with a generated config (RUN/containerd.toml), its output in the
 *    "containerd" log.
 *  - Until it answers: probed every 50 ms, killed past
 *    --containerd-timeout. Once it answers: exits are subscribed, tasks and
 *    containers listed, and the containerd up event carries the list; the
 *    connection is the table's until the containerd lost event.
 *  - A broken connection is made again; a dead containerd is restarted
 *    after 1 s, doubling to 30 s. Exits are task exit events.
 *  - cdproc_restart(): SIGTERM (SIGKILL after 10 s), then started again at
 *    once, as after a death but without its backoff: its start loads every
 *    task directory it finds (tasks keep running, a leftover becomes a task
 *    again or is removed). At most once per 5 minutes.
 *  - cdproc_stop(): SIGTERM, SIGKILL after 10 s, never started again; its
 *    end is the containerd stopped event.
 *  - Not wanted (an image with no services: LinuxKit's `init: [init, runc]`
 *    with onboot only, or no containerd binary): never started; its status
 *    is "unused", and cdproc_stop() emits the containerd stopped event at
 *    once.
 * containerd's stdin is its log FIFO's read end: while no supervisor reads
 * (one died, the next is starting) the pipe still has a reader, and Go's
 * runtime does not kill containerd with SIGPIPE. */
#ifndef STELE_CDPROC_H
#define STELE_CDPROC_H

#include "containerd/ctrd.h"
#include "supervisor/control.h"
#include "supervisor/events.h"
#include "supervisor/logstore.h"
#include "supervisor/loop.h"
#include "supervisor/options.h"

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

enum cd_state { CD_DOWN, CD_CONNECTING, CD_RECONCILING, CD_UP, CD_STOPPING, CD_UNUSED };

struct cdproc {
	const struct sv_options *opt;
	const struct sv_events *ev;
	enum cd_state state;
	bool stopping;	   /* asked to stop: never started again */
	bool restarting;   /* asked to restart: started again once it ends */
	double restart_ms; /* when cdproc_restart() last did; 0: never */
	pid_t pid;
	int status; /* wait status, when main reaped it first */
	bool reaped;
	int pidfd;
	struct watch pid_watch;
	struct ctrd *conn;
	bool handed; /* the table has conn (containerd up was emitted) */
	struct watch conn_watch;
	bool close_pending; /* callbacks may not close the connection */
	struct timer timer; /* probe, restart backoff, stop grace */
	double start_ms;
	int failures;
	struct logstore log;
	int log_fd;
	struct watch log_watch;
	char sock[PATH_MAX];
	struct cd_task *tasks; /* the task list, while the containers are listed */
	size_t n_tasks;
};

/* Returns 0, or -1 when its log cannot be set up. wanted false: it is
 * never started (services_want_containerd()). */
int cdproc_init(struct cdproc *cd, const struct sv_options *opt, const struct sv_events *ev,
		bool wanted);
/* A child was reaped: true when it was containerd (its pidfd reports it). */
bool cdproc_reaped(struct cdproc *cd, pid_t pid, int status);
void cdproc_stop(struct cdproc *cd);
/* Returns true when the restart begins; false when containerd is not up,
 * or was restarted so less than 5 minutes ago. */
bool cdproc_restart(struct cdproc *cd, const char *why);
/* The shutdown's bound passed: SIGKILL. */
void cdproc_kill(struct cdproc *cd);
/* Around each loop_once(): the connection's epoll interest and deadlines. */
void cdproc_before_wait(struct cdproc *cd, int *timeout_ms);
void cdproc_after_wait(struct cdproc *cd);
struct logstore *cdproc_log(struct cdproc *cd);
void cdproc_status(const struct cdproc *cd, struct status_row *row);

#endif
