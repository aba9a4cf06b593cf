/* notify: one sd_notify datagram socket per service that declares
 * "ready": "notify".
 *
 * Contract: notify_open() binds DIR/notify.sock (created mode 0666 under a
 * umask, never chmod'ed: services may run as any user) and watches it; a
 * READY=1 is emitted as the ready event (events.h) with the service's name
 * only when its sender (SCM_CREDENTIALS) is in the same cgroups as the
 * service's task (*task_pid, 0 while there is none); others are dropped with
 * a debug line. A sender that exits before its datagram is read cannot be
 * placed and is dropped too: sd_notify's barrier (an fd passed along, closed
 * once read) lets a short-lived sender wait. A READY=1 read while there is
 * no task pid yet (Tasks.Start still answering: a service may say READY=1
 * at once) is held, the last one only, with the fds it passed, until
 * notify_task_known() judges it. Other assignments are ignored.
 * DIR is bind-mounted into the container (spec.h), so a socket re-created
 * by a restarted supervisor is the one the service reaches. */
#ifndef STELE_NOTIFY_H
#define STELE_NOTIFY_H

#include "supervisor/events.h"
#include "supervisor/loop.h"

#include <stddef.h>
#include <sys/types.h>

struct notify {
	int fd;
	struct watch watch;
	const char *name;	  /* the service's, outlives the socket */
	const uint32_t *task_pid; /* the service's task, outlives the socket */
	const struct sv_events *ev;
	pid_t held_sender; /* a held READY=1's sender, 0 when none */
	int held_fds[16];  /* the fds it passed along (its barrier) */
	size_t n_held_fds;
};

/* Returns 0, or -1 with errno. */
int notify_open(struct notify *n, const char *dir, const char *name, const uint32_t *task_pid,
		const struct sv_events *ev);
/* The task's pid is known now: a held READY=1 is judged (and emitted) or
 * dropped, and the fds it passed are closed. */
void notify_task_known(struct notify *n);

#endif
