/* watch: wait for a container while its output is copied, stop it at its
 * timeout or when the runner is asked to stop, and reap what was waited
 * for. Shared by both ways of running an attempt (job.h).
 *
 * What is waited for is the container's process itself after `runc
 * create` (we are its subreaper), or the foreground `runc run` (our child,
 * which exits with the container). Stopping is the same for both: `runc
 * kill ID TERM`, `grace` seconds, SIGKILL to the container's process; a
 * `runc run` that outlives its container's SIGKILL is SIGKILLed too (its
 * state is then left for `runc delete -f`).
 *
 * Contract: no function here blocks beyond the deadlines it is given (the
 * container's timeout, its grace, and fixed bounds after a SIGKILL), except
 * watch_reap() on a process whose pidfd has reported its exit. */
#ifndef STELE_ONBOOT_WATCH_H
#define STELE_ONBOOT_WATCH_H

#include "onboot/job.h"

#include <stdbool.h>
#include <sys/types.h>

#define WATCH_KILL_WAIT_MS 10000 /* after SIGKILL, the kernel only has to tear down */

struct watched {
	pid_t pid;	/* waited for and reaped: the container, or runc run */
	int pidfd;	/* pid's pidfd */
	int kill_pidfd; /* the container's pidfd (pidfd itself after runc create);
			   -1: unknown, SIGKILL goes through `runc kill` */
};

enum wait_end { WAIT_EXITED, WAIT_DEADLINE, WAIT_SIGNAL };

/* Deadlines are boottime_ms() values; a negative one is no deadline. */
double watch_deadline_in(unsigned ms);
/* Milliseconds left for poll(): -1 for none, 0 once passed. */
int watch_ms_until(double deadline);

/* Copy what the output pipe holds; at its end, close it and set *out_fd
 * to -1 (poll ignores negative fds). */
void watch_pump(struct job *j, int *out_fd);

/* Copy output until pidfd reports an exit, the deadline passes, or a stop
 * signal comes (j->interrupted is then set). */
enum wait_end watch_wait(struct job *j, int pidfd, int *out_fd, double deadline);

/* The attempt proper: wait up to the container's timeout, stop it when it
 * passes or a stop signal comes, reap p->pid. The status in the result is
 * p->pid's; the outcome is OK, FAILED, TIMEOUT or INTERRUPTED. */
struct result watch_until_exit(struct job *j, const struct watched *p, int *out_fd);

/* waitpid(pid), retried on EINTR; false (after a line) when it fails. */
bool watch_reap(pid_t pid, int *status);

/* Zombies runc left to us (its intermediate processes). Only called when
 * no command of ours is running, so it cannot steal a status. */
void watch_reap_strays(void);

/* After the process is gone: the output still in the pipe, for a bounded
 * time; then the last partial line. */
void watch_drain(struct job *j, int *out_fd);

#endif
