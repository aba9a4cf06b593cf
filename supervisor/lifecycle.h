/* lifecycle: a service's life as one transition table, state x event ->
 * action and next state, in the style of s6-supervise.
 *
 * Contract: pure. No I/O, no clock, no allocation; the caller (supervise.c)
 * owns the service, moves it to the next state and performs the action.
 * An action may feed the service a further event (an exit that arrived
 * before its start was answered, once the start is; the failure limit,
 * once a failure is counted). Every pair of state and event has an entry,
 * most of them "nothing": the table is complete, and the unit test
 * (tests/unit/test_supervisor_lifecycle.c) holds it to docs/design.md.
 *
 * What is not lifecycle stays with the caller: whether a waiting service
 * may start now (onboot, containerd, dependencies, start slots) is one
 * event, EV_GO; an exit is EV_EXIT or EV_EXIT_FINAL by the restart policy
 * (lifecycle_exit_event()); the shutdown stops a running service (EV_SHUTDOWN)
 * only once nothing that depends on it is active. */
#ifndef STELE_LIFECYCLE_H
#define STELE_LIFECYCLE_H

#include "supervisor/restart.h"

#include <stdbool.h>
#include <stdint.h>

/* 18 states; `stelectl status` shows each by one of 9 names. A state
 * ending in _STOP, _RESTART or _EXITED remembers what happened while an
 * answer from containerd was awaited; CLEANING_* delete the task of a
 * service that exited (or what a failed start left) and are shown as the
 * state they are headed for. */
enum svc_state {
	SVC_WAITING,		  /* for onboot, containerd, dependencies or a start slot */
	SVC_STARTING,		  /* container/task create, task start in flight */
	SVC_STARTING_STOP,	  /* ... and then stop it (stelectl stop, shutdown) */
	SVC_STARTING_EXITED,	  /* ... and its exit came before the start's answer */
	SVC_STARTING_EXITED_STOP, /* both */
	SVC_RUNNING,		  /* task running; a notify service is not ready yet */
	SVC_READY,
	SVC_STOPPING,	      /* SIGTERM sent, SIGKILL after its grace */
	SVC_STOPPING_RESTART, /* ... then start it again (stelectl restart) */
	SVC_CLEANING_BACKOFF, /* exited or failed to start: restart by policy */
	SVC_CLEANING_EXITED,  /* exited and the policy does not restart it */
	SVC_CLEANING_STOPPED, /* exited because it was stopped */
	SVC_CLEANING_RESTART, /* exited because it was restarted */
	SVC_BACKOFF,	      /* waiting out the restart delay */
	SVC_EXITED,	      /* not restarted, by its policy */
	SVC_FAILED,	      /* failure limit, or a dependency failed */
	SVC_STOPPED,
	SVC_BROKEN, /* unusable bundle or dependencies: never started */
	SVC_N_STATES
};

enum svc_event {
	EV_GO,		 /* a waiting service may start now */
	EV_DEP_FAILED,	 /* a dependency will never be ready */
	EV_STARTED,	 /* Tasks.Start answered: the task runs */
	EV_START_FAILED, /* a step of the start failed */
	EV_READY,	 /* READY=1 (notify), or at once (ready: running) */
	EV_EXIT,	 /* the task exited; the restart policy restarts it */
	EV_EXIT_FINAL,	 /* the task exited; the restart policy does not */
	EV_CLEANED,	 /* the exited task (and what a failed start left) is deleted */
	EV_TIMER,	 /* the state's timer fired (lifecycle_timer()) */
	EV_GIVE_UP,	 /* the failure just counted reached the limit */
	EV_ADOPT,	 /* containerd runs a task of it we did not know of */
	EV_START,	 /* stelectl start */
	EV_STOP,	 /* stelectl stop */
	EV_RESTART,	 /* stelectl restart */
	EV_SHUTDOWN,	 /* the supervisor stops; nothing active depends on it */
	EV_N_EVENTS
};

enum svc_action {
	ACT_UNHANDLED, /* never in the table: the unit test checks */
	ACT_NONE,
	ACT_START,	      /* record the start; create container, task; start it */
	ACT_DEP_FAILED,	      /* say which dependency failed */
	ACT_RUNNING,	      /* keep the pid; ready now or arm the READY=1 deadline */
	ACT_RUNNING_STOP,     /* keep the pid, then as ACT_STOP_TASK */
	ACT_RUNNING_EXIT,     /* keep the pid, then feed the held exit */
	ACT_HOLD_EXIT,	      /* keep the exit status until the start is answered */
	ACT_READY,	      /* "Started NAME"; dependents may start */
	ACT_READY_TIMEOUT,    /* no READY=1 in time: SIGKILL (its exit follows) */
	ACT_STOP_TASK,	      /* SIGTERM, arm the grace timer */
	ACT_KILL,	      /* grace over: SIGKILL */
	ACT_CLEAN,	      /* delete the exited task */
	ACT_CLEAN_START,      /* delete what the failed start left: task, container */
	ACT_FAILURE,	      /* count a failure: arm the backoff, or feed EV_GIVE_UP */
	ACT_GIVE_UP,	      /* "N failures within W s: giving up" */
	ACT_EXITED,	      /* "NAME exited N (restart: never)" */
	ACT_STOPPED,	      /* "Stopped NAME (exited N)" */
	ACT_RESTART,	      /* "Stopped NAME (...)", then wait to start again */
	ACT_RETRY,	      /* backoff over: count a restart */
	ACT_REQUESTED_START,  /* forget past failures */
	ACT_REQUESTED_STOP,   /* "stopped by stelectl" */
	ACT_STOPPED_SHUTDOWN, /* "stopped at shutdown" */
	ACT_ADOPT,	      /* take the running task as this service's, ready */
	ACT_REFUSE,	      /* answer the request with the reason it is broken */
	ACT_N_ACTIONS
};

/* What the state's timer means; the caller disarms it when this changes. */
enum svc_timer { TIMER_NONE, TIMER_BACKOFF, TIMER_READY_DEADLINE, TIMER_GRACE };

struct svc_step {
	enum svc_action action;
	enum svc_state next;
};

struct svc_step lifecycle_step(enum svc_state state, enum svc_event event);

/* The name `stelectl status` shows: waiting, starting, running, ready,
 * stopping, exited, backoff, failed or stopped. */
const char *lifecycle_shown(enum svc_state state);
/* The names used in docs/design.md's table: "WAITING", "go", "start". */
const char *lifecycle_state_name(enum svc_state state);
const char *lifecycle_event_name(enum svc_event event);
const char *lifecycle_action_name(enum svc_action action);

enum svc_timer lifecycle_timer(enum svc_state state);

/* EV_EXIT or EV_EXIT_FINAL for an exit with containerd's status (128+N:
 * signal N) under policy p. */
enum svc_event lifecycle_exit_event(const struct restart_policy *p, uint32_t status);

/* A task of it may run, or its start or clean-up is in flight: the
 * shutdown stops what it depends on only once this is false. */
bool lifecycle_active(enum svc_state state);
/* containerd holds its running task (the task may be signalled). */
bool lifecycle_task_alive(enum svc_state state);
bool lifecycle_starting(enum svc_state state);
/* It will not run again without stelectl start: its dependents fail. */
bool lifecycle_down_for_good(enum svc_state state);

#endif
