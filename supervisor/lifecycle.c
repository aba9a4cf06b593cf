/* lifecycle: the table. docs/design.md draws the same table; the unit test
 * compares the two cell by cell. */
#include "supervisor/lifecycle.h"

#include <stddef.h>

#define T(act, st)                                                                                 \
	{                                                                                          \
		ACT_##act, SVC_##st                                                                \
	}
/* Nothing to do, same state. */
#define KEEP                                                                                       \
	{                                                                                          \
		ACT_NONE, SVC_N_STATES                                                             \
	}

/* Columns, in enum svc_event order:
 *   go  dep_failed  started  start_failed  ready  exit  exit_final  cleaned
 *   timer  give_up  adopt  start  stop  restart  shutdown */
// clang-format off
static const struct svc_step table[SVC_N_STATES][EV_N_EVENTS] = {
	[SVC_WAITING] = {
		T(START, STARTING), T(DEP_FAILED, FAILED), KEEP, KEEP, KEEP, KEEP, KEEP, KEEP,
		KEEP, KEEP, T(ADOPT, READY), KEEP, T(REQUESTED_STOP, STOPPED), KEEP,
		T(STOPPED_SHUTDOWN, STOPPED)},
	[SVC_STARTING] = {
		KEEP, KEEP, T(RUNNING, RUNNING), T(CLEAN_START, CLEANING_BACKOFF), KEEP,
		T(HOLD_EXIT, STARTING_EXITED), T(HOLD_EXIT, STARTING_EXITED), KEEP,
		KEEP, KEEP, KEEP, KEEP, T(NONE, STARTING_STOP), KEEP, T(NONE, STARTING_STOP)},
	[SVC_STARTING_STOP] = {
		KEEP, KEEP, T(RUNNING_STOP, STOPPING), T(CLEAN_START, CLEANING_STOPPED), KEEP,
		T(HOLD_EXIT, STARTING_EXITED_STOP), T(HOLD_EXIT, STARTING_EXITED_STOP), KEEP,
		KEEP, KEEP, KEEP, T(NONE, STARTING), KEEP, T(NONE, STARTING), KEEP},
	[SVC_STARTING_EXITED] = {
		KEEP, KEEP, T(RUNNING_EXIT, RUNNING), T(CLEAN_START, CLEANING_BACKOFF), KEEP,
		KEEP, KEEP, KEEP,
		KEEP, KEEP, KEEP, KEEP, T(NONE, STARTING_EXITED_STOP), KEEP,
		T(NONE, STARTING_EXITED_STOP)},
	[SVC_STARTING_EXITED_STOP] = {
		KEEP, KEEP, T(RUNNING_EXIT, STOPPING), T(CLEAN_START, CLEANING_STOPPED), KEEP,
		KEEP, KEEP, KEEP,
		KEEP, KEEP, KEEP, T(NONE, STARTING_EXITED), KEEP, T(NONE, STARTING_EXITED), KEEP},
	[SVC_RUNNING] = {
		KEEP, KEEP, KEEP, KEEP, T(READY, READY),
		T(CLEAN, CLEANING_BACKOFF), T(CLEAN, CLEANING_EXITED), KEEP,
		T(READY_TIMEOUT, RUNNING), KEEP, T(ADOPT, READY), KEEP, T(STOP_TASK, STOPPING),
		T(STOP_TASK, STOPPING_RESTART), T(STOP_TASK, STOPPING)},
	[SVC_READY] = {
		KEEP, KEEP, KEEP, KEEP, KEEP,
		T(CLEAN, CLEANING_BACKOFF), T(CLEAN, CLEANING_EXITED), KEEP,
		KEEP, KEEP, T(ADOPT, READY), KEEP, T(STOP_TASK, STOPPING),
		T(STOP_TASK, STOPPING_RESTART), T(STOP_TASK, STOPPING)},
	[SVC_STOPPING] = {
		KEEP, KEEP, KEEP, KEEP, KEEP,
		T(CLEAN, CLEANING_STOPPED), T(CLEAN, CLEANING_STOPPED), KEEP,
		T(KILL, STOPPING), KEEP, KEEP, T(NONE, STOPPING_RESTART), KEEP,
		T(NONE, STOPPING_RESTART), KEEP},
	[SVC_STOPPING_RESTART] = {
		KEEP, KEEP, KEEP, KEEP, KEEP,
		T(CLEAN, CLEANING_RESTART), T(CLEAN, CLEANING_RESTART), KEEP,
		T(KILL, STOPPING_RESTART), KEEP, KEEP, KEEP, T(NONE, STOPPING), KEEP,
		T(NONE, STOPPING)},
	[SVC_CLEANING_BACKOFF] = {
		KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, T(FAILURE, BACKOFF),
		KEEP, KEEP, KEEP, KEEP, T(NONE, CLEANING_STOPPED), KEEP,
		T(NONE, CLEANING_STOPPED)},
	[SVC_CLEANING_EXITED] = {
		KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, T(EXITED, EXITED),
		KEEP, KEEP, KEEP, KEEP, T(NONE, CLEANING_STOPPED), KEEP,
		T(NONE, CLEANING_STOPPED)},
	[SVC_CLEANING_STOPPED] = {
		KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, T(STOPPED, STOPPED),
		KEEP, KEEP, KEEP, T(NONE, CLEANING_RESTART), KEEP, T(NONE, CLEANING_RESTART), KEEP},
	[SVC_CLEANING_RESTART] = {
		KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, T(RESTART, WAITING),
		KEEP, KEEP, KEEP, KEEP, T(NONE, CLEANING_STOPPED), KEEP,
		T(NONE, CLEANING_STOPPED)},
	[SVC_BACKOFF] = {
		KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP,
		T(RETRY, WAITING), T(GIVE_UP, FAILED), T(ADOPT, READY),
		T(REQUESTED_START, WAITING), T(REQUESTED_STOP, STOPPED),
		T(REQUESTED_START, WAITING), T(STOPPED_SHUTDOWN, STOPPED)},
	[SVC_EXITED] = {
		KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP,
		KEEP, KEEP, T(ADOPT, READY), T(REQUESTED_START, WAITING),
		T(REQUESTED_STOP, STOPPED), T(REQUESTED_START, WAITING), KEEP},
	[SVC_FAILED] = {
		KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP,
		KEEP, KEEP, T(ADOPT, READY), T(REQUESTED_START, WAITING),
		T(REQUESTED_STOP, STOPPED), T(REQUESTED_START, WAITING), KEEP},
	[SVC_STOPPED] = {
		KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP,
		KEEP, KEEP, T(ADOPT, READY), T(REQUESTED_START, WAITING), KEEP,
		T(REQUESTED_START, WAITING), KEEP},
	[SVC_BROKEN] = {
		KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP,
		KEEP, KEEP, KEEP, T(REFUSE, BROKEN), T(REFUSE, BROKEN), T(REFUSE, BROKEN), KEEP},
};
// clang-format on

struct svc_step lifecycle_step(enum svc_state state, enum svc_event event)
{
	if ((unsigned)state >= SVC_N_STATES || (unsigned)event >= EV_N_EVENTS)
		return (struct svc_step){ACT_UNHANDLED, state};
	struct svc_step s = table[state][event];
	if (s.next == SVC_N_STATES)
		s.next = state;
	return s;
}

static const char *const shown[SVC_N_STATES] = {
    [SVC_WAITING] = "waiting",
    [SVC_STARTING] = "starting",
    [SVC_STARTING_STOP] = "starting",
    [SVC_STARTING_EXITED] = "starting",
    [SVC_STARTING_EXITED_STOP] = "starting",
    [SVC_RUNNING] = "running",
    [SVC_READY] = "ready",
    [SVC_STOPPING] = "stopping",
    [SVC_STOPPING_RESTART] = "stopping",
    [SVC_CLEANING_BACKOFF] = "backoff",
    [SVC_CLEANING_EXITED] = "exited",
    [SVC_CLEANING_STOPPED] = "stopping",
    [SVC_CLEANING_RESTART] = "stopping",
    [SVC_BACKOFF] = "backoff",
    [SVC_EXITED] = "exited",
    [SVC_FAILED] = "failed",
    [SVC_STOPPED] = "stopped",
    [SVC_BROKEN] = "failed",
};

static const char *const state_names[SVC_N_STATES] = {
    [SVC_WAITING] = "WAITING",
    [SVC_STARTING] = "STARTING",
    [SVC_STARTING_STOP] = "STARTING_STOP",
    [SVC_STARTING_EXITED] = "STARTING_EXITED",
    [SVC_STARTING_EXITED_STOP] = "STARTING_EXITED_STOP",
    [SVC_RUNNING] = "RUNNING",
    [SVC_READY] = "READY",
    [SVC_STOPPING] = "STOPPING",
    [SVC_STOPPING_RESTART] = "STOPPING_RESTART",
    [SVC_CLEANING_BACKOFF] = "CLEANING_BACKOFF",
    [SVC_CLEANING_EXITED] = "CLEANING_EXITED",
    [SVC_CLEANING_STOPPED] = "CLEANING_STOPPED",
    [SVC_CLEANING_RESTART] = "CLEANING_RESTART",
    [SVC_BACKOFF] = "BACKOFF",
    [SVC_EXITED] = "EXITED",
    [SVC_FAILED] = "FAILED",
    [SVC_STOPPED] = "STOPPED",
    [SVC_BROKEN] = "BROKEN",
};

static const char *const event_names[EV_N_EVENTS] = {
    [EV_GO] = "go",
    [EV_DEP_FAILED] = "dep_failed",
    [EV_STARTED] = "started",
    [EV_START_FAILED] = "start_failed",
    [EV_READY] = "ready",
    [EV_EXIT] = "exit",
    [EV_EXIT_FINAL] = "exit_final",
    [EV_CLEANED] = "cleaned",
    [EV_TIMER] = "timer",
    [EV_GIVE_UP] = "give_up",
    [EV_ADOPT] = "adopt",
    [EV_START] = "start",
    [EV_STOP] = "stop",
    [EV_RESTART] = "restart",
    [EV_SHUTDOWN] = "shutdown",
};

static const char *const action_names[ACT_N_ACTIONS] = {
    [ACT_UNHANDLED] = "UNHANDLED",
    [ACT_NONE] = "-",
    [ACT_START] = "start",
    [ACT_DEP_FAILED] = "dep_failed",
    [ACT_RUNNING] = "running",
    [ACT_RUNNING_STOP] = "running_stop",
    [ACT_RUNNING_EXIT] = "running_exit",
    [ACT_HOLD_EXIT] = "hold_exit",
    [ACT_READY] = "ready",
    [ACT_READY_TIMEOUT] = "ready_timeout",
    [ACT_STOP_TASK] = "stop_task",
    [ACT_KILL] = "kill",
    [ACT_CLEAN] = "clean",
    [ACT_CLEAN_START] = "clean_start",
    [ACT_FAILURE] = "failure",
    [ACT_GIVE_UP] = "give_up",
    [ACT_EXITED] = "exited",
    [ACT_STOPPED] = "stopped",
    [ACT_RESTART] = "restart",
    [ACT_RETRY] = "retry",
    [ACT_REQUESTED_START] = "requested_start",
    [ACT_REQUESTED_STOP] = "requested_stop",
    [ACT_STOPPED_SHUTDOWN] = "stopped_shutdown",
    [ACT_ADOPT] = "adopt",
    [ACT_REFUSE] = "refuse",
};

const char *lifecycle_shown(enum svc_state state)
{
	return (unsigned)state < SVC_N_STATES ? shown[state] : "?";
}

const char *lifecycle_state_name(enum svc_state state)
{
	return (unsigned)state < SVC_N_STATES ? state_names[state] : "?";
}

const char *lifecycle_event_name(enum svc_event event)
{
	return (unsigned)event < EV_N_EVENTS ? event_names[event] : "?";
}

const char *lifecycle_action_name(enum svc_action action)
{
	return (unsigned)action < ACT_N_ACTIONS ? action_names[action] : "?";
}

enum svc_timer lifecycle_timer(enum svc_state state)
{
	switch (state) {
	case SVC_BACKOFF:
		return TIMER_BACKOFF;
	case SVC_RUNNING:
		return TIMER_READY_DEADLINE;
	case SVC_STOPPING:
	case SVC_STOPPING_RESTART:
		return TIMER_GRACE;
	default:
		return TIMER_NONE;
	}
}

enum svc_event lifecycle_exit_event(const struct restart_policy *p, uint32_t status)
{
	return restart_wanted(p, status != 0) ? EV_EXIT : EV_EXIT_FINAL;
}

bool lifecycle_starting(enum svc_state state)
{
	return state >= SVC_STARTING && state <= SVC_STARTING_EXITED_STOP;
}

bool lifecycle_task_alive(enum svc_state state)
{
	return state >= SVC_RUNNING && state <= SVC_STOPPING_RESTART;
}

bool lifecycle_active(enum svc_state state)
{
	return state >= SVC_STARTING && state <= SVC_CLEANING_RESTART;
}

bool lifecycle_down_for_good(enum svc_state state)
{
	return state == SVC_EXITED || state == SVC_FAILED || state == SVC_STOPPED ||
	       state == SVC_BROKEN;
}
