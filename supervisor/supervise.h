/* supervise: what the files of the service table (service.c, supervise.c,
 * reconcile.c) share; no other module includes this.
 *
 * Contract: a service changes state only through supervise_feed(), which
 * looks the event up in the lifecycle table, moves the service, disarms
 * its timer when the timer's meaning changes, and performs the action.
 * Whatever calls in from outside (an event, a timer, a containerd answer)
 * ends with supervise_settle(): start what may start, check boot complete,
 * move the shutdown on. */
#ifndef STELE_SUPERVISE_H
#define STELE_SUPERVISE_H

#include "supervisor/service.h"

struct svc_input {
	enum svc_event event;
	uint32_t pid;	 /* EV_STARTED, EV_EXIT*, EV_ADOPT */
	uint32_t status; /* EV_EXIT*: containerd's exit status */
	const char *why; /* EV_START_FAILED: "create its task (...)"; EV_READY:
			    "running" or "READY=1"; EV_DEP_FAILED: the dependency */
};

void supervise_feed(struct service *s, const struct svc_input *in);
void supervise_event(struct service *s, enum svc_event event);
/* The exit event its restart policy makes of an exit. */
void supervise_exit(struct service *s, uint32_t pid, uint32_t status);
void supervise_settle(struct services *t);
void supervise_timer(struct timer *timer);
struct service *service_find(const struct services *t, const char *name);
/* A container of no usable service exited: delete it. */
void reconcile_stale_exited(struct services *t, const char *id);

#endif
