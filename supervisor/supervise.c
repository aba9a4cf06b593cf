/* supervise: the service table's side of the lifecycle. supervise_feed()
 * asks lifecycle.c what an event does and performs the action here, where
 * containerd, the timers and the console are; it also decides when a
 * waiting service may start (EV_GO) and drives the ordered shutdown.
 *
 * A start is a chain of calls: container create (once per container) ->
 * task create -> task start, each queued from the previous one's callback;
 * its answer is EV_STARTED or EV_START_FAILED. */
#include "supervisor/supervise.h"
#include "lib/clock.h"

#include "lib/log.h"
#include "lib/spawn.h"
#include "lib/timeline.h"
#include "supervisor/console.h"
#include "supervisor/prepare.h"
#include "supervisor/spec.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Each start spawns a Go shim and runc; with every service at once,
 * containerd stops answering within its deadlines (measured by `make bench`
 * at 50 services under TCG); 16 at 100 services was no faster and some
 * creates missed their deadline (docs/benchmarks.md). Starts beyond this
 * many wait for a slot. */
#define MAX_STARTING 8
/* A shim daemon runs its tasks' creates one at a time (`make bench`,
 * section 9): more of a group's starts at once only queue in the shim,
 * where each waits against its call's 30 s deadline (seen under TCG:
 * "failed to get task pid: context deadline exceeded"). Three keep the
 * shim busy: one in runc create, one queued, one being answered. */
#define MAX_STARTING_PER_GROUP 3

static void perform(struct service *s, enum svc_action action, const struct svc_input *in);

struct service *service_find(const struct services *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->svcs[i].name, name) == 0)
			return &t->svcs[i];
	return NULL;
}

void supervise_feed(struct service *s, const struct svc_input *in)
{
	enum svc_state before = s->state;
	struct svc_step step = lifecycle_step(before, in->event);
	if (step.next != before) {
		if (lifecycle_timer(step.next) != lifecycle_timer(before))
			timer_disarm(&s->timer);
		if (strcmp(lifecycle_shown(step.next), lifecycle_shown(before)) != 0)
			s->state_since_ms = boottime_ms();
		s->state = step.next;
	}
	log_debug("%s: %s + %s -> %s, %s", s->name, lifecycle_state_name(before),
		  lifecycle_event_name(in->event), lifecycle_state_name(step.next),
		  lifecycle_action_name(step.action));
	perform(s, step.action, in);
}

void supervise_event(struct service *s, enum svc_event event)
{
	supervise_feed(s, &(struct svc_input){.event = event});
}

void supervise_exit(struct service *s, uint32_t pid, uint32_t status)
{
	supervise_feed(s,
		       &(struct svc_input){.event = lifecycle_exit_event(&s->conf.restart, status),
					   .pid = pid,
					   .status = status});
}

static void mark(const struct service *s, const char *event)
{
	if (timeline_mark("supervisor", "service", s->name, event) < 0)
		log_debug("timeline: %s %s: %m", s->name, event);
}

static void set_detail(struct service *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_detail(struct service *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->detail, sizeof s->detail, fmt, ap);
	va_end(ap);
}

/* containerd reports a death by signal N as 128+N. */
static void describe_exit(uint32_t status, char *buf, size_t len)
{
	if (status > 128 && status < 128 + 65)
		snprintf(buf, len, "killed by signal %u (%s)", status - 128,
			 strsignal((int)status - 128));
	else
		snprintf(buf, len, "exited %u", status);
}

/* How the run ended; a non-zero exit also says the last thing the service
 * printed, which is usually why (a service that checks its settings names
 * the one to fix). A signal's victim had no say, so it gets none. */
static void describe_run_end(struct service *s, uint32_t status)
{
	describe_exit(status, s->how, sizeof s->how);
	char last[200];
	if (status == 0 || status > 128 || !service_last_words(s, last, sizeof last))
		return;
	size_t n = strlen(s->how);
	snprintf(s->how + n, sizeof s->how - n, ": %s", last);
}

/* --- the start chain --- */

/* A call that missed its deadline carries on inside containerd: its task
 * or shim directory then makes the next create fail with "already exists"
 * or "file exists" until containerd is done with it. Neither says anything
 * about the service, so such a start is retried with its own backoff and
 * is not counted against the restart policy, up to BUSY_RETRIES_MAX times
 * in a row (so a collision that never clears still ends in failed). */
#define BUSY_RETRIES_MAX 10

/* A call cut by a lost connection (containerd died or is restarted: the
 * connection closed, or a send or read on it failed first) is containerd
 * busy as well. */
static bool containerd_was_busy(const struct ctrd_result *res)
{
	return res->grpc_status == CTRD_DEADLINE_EXCEEDED || res->grpc_status == CTRD_CANCELLED ||
	       res->grpc_status == CTRD_UNAVAILABLE ||
	       (res->message &&
		(strstr(res->message, "already exists") || strstr(res->message, "file exists")));
}

static void step_failed(struct service *s, bool containerd_busy, const char *what, const char *why)
{
	s->containerd_busy = containerd_busy;
	char buf[300];
	snprintf(buf, sizeof buf, "%s (%.220s)", what, why);
	supervise_feed(s, &(struct svc_input){.event = EV_START_FAILED, .why = buf});
}

static void call_failed(struct service *s, const char *what, const struct ctrd_result *res)
{
	step_failed(s, containerd_was_busy(res), what, res->message ? res->message : "no message");
}

/* A call to containerd that could not be made: without a connection
 * (containerd was lost meanwhile) that is containerd busy; with one, the
 * service's own failure. */
static void start_failed(struct service *s, const char *what, const char *why)
{
	step_failed(s, !s->table->conn, what, why);
}

static void started(void *arg, const struct ctrd_result *res)
{
	struct service *s = arg;
	if (res->grpc_status != CTRD_OK)
		call_failed(s, "start its task", res);
	else
		supervise_feed(s, &(struct svc_input){.event = EV_STARTED, .pid = res->pid});
	supervise_settle(s->table);
}

static void create_task(struct service *s);

/* A group's shim whose task failed is shut down by containerd; a sibling
 * whose Tasks.Create reached it then fails with "failed to start shim:
 * ... connect: no such file or directory" (its socket went away). That is
 * the other service's failure, not this one's: retried once, at once (the
 * socket is gone, so the retry starts a shim of its own). */
static bool shim_went_away(const struct ctrd_result *res)
{
	return res->message && strstr(res->message, "failed to start shim") &&
	       (strstr(res->message, "no such file") || strstr(res->message, "connection refused"));
}

/* Created while onboot runs: Tasks.Start waits for onboot's end
 * (release_parked), so what runs sees what onboot did. */
static void park(struct service *s)
{
	s->parked = true;
	set_detail(s, "created; starts when onboot ends");
	mark(s, "created");
}

static void task_created(void *arg, const struct ctrd_result *res)
{
	struct service *s = arg;
	if (res->grpc_status != CTRD_OK && !s->shim_retried && shim_went_away(res)) {
		log_info("%s: its shim group's daemon went away (%s); creating its task again",
			 s->name, res->message);
		s->shim_retried = true;
		create_task(s);
	} else if (res->grpc_status != CTRD_OK) {
		s->dir_collision = res->message && strstr(res->message, "file exists");
		call_failed(s, "create its task", res);
	} else {
		s->created_pid = res->pid;
		if (!s->table->onboot_done)
			park(s);
		else if (!s->table->conn ||
			 ctrd_task_start(s->table->conn, s->name, started, s) < 0)
			start_failed(s, "start its task",
				     s->table->conn ? strerror(errno) : "no containerd");
	}
	supervise_settle(s->table);
}

static void create_task(struct service *s)
{
	struct ctrd *conn = s->table->conn;
	if (!conn || ctrd_task_create(conn, s->name, s->fifo, s->fifo, task_created, s) < 0)
		start_failed(s, "create its task", conn ? strerror(errno) : "no containerd");
}

static void container_created(void *arg, const struct ctrd_result *res)
{
	struct service *s = arg;
	if (res->grpc_status != CTRD_OK && res->grpc_status != CTRD_ALREADY_EXISTS) {
		call_failed(s, "create its container", res);
	} else {
		s->container_exists = true;
		s->shim_retried = false;
		create_task(s);
	}
	supervise_settle(s->table);
}

static void create_container(struct service *s)
{
	static const char *const labels[] = {"stele.service=1", NULL};
	s->shim_retried = false;
	if (s->container_exists) {
		create_task(s);
		return;
	}
	char why[600];
	if (!s->prepared) {
		if (prepare_service(s->dir, s->spec, s->table->opt->state_mountpoint, why,
				    sizeof why) < 0) {
			step_failed(s, false, "prepare its host side", why); /* its own */
			return;
		}
		s->prepared = true;
	}
	struct ctrd *conn = s->table->conn;
	if (!conn || ctrd_container_create(conn, s->name, s->spec, s->spec_len, labels,
					   container_created, s) < 0)
		start_failed(s, "create its container", conn ? strerror(errno) : "no containerd");
}

static void begin_start(struct service *s)
{
	s->pid = s->created_pid = 0;
	s->dir_collision = false;
	s->start_ms = boottime_ms();
	s->run_log_from = s->log.ring.end;
	restart_record_start(&s->history, s->start_ms);
	set_detail(s, "creating its task");
	mark(s, "start");
	create_container(s);
}

static void took_pid(struct service *s, uint32_t pid)
{
	s->pid = pid;
	s->started_once = true;
	mark(s, "running");
	set_detail(s, "pid %u", pid);
}

/* --- stopping --- */

/* A task that is already gone sends no exit event: take it as stopped. */
static void kill_done(void *arg, const struct ctrd_result *res)
{
	struct service *s = arg;
	bool stopping = s->state == SVC_STOPPING || s->state == SVC_STOPPING_RESTART;
	if (res->grpc_status == CTRD_NOT_FOUND && stopping)
		supervise_exit(s, 0, 0);
	else if (res->grpc_status != CTRD_OK && res->grpc_status != CTRD_NOT_FOUND)
		log_warn("%s: signalling its task: %s", s->name, res->message);
	supervise_settle(s->table);
}

static void stop_task(struct service *s)
{
	set_detail(s, "SIGTERM sent; SIGKILL after %d s", s->conf.grace_s);
	mark(s, "stop");
	struct ctrd *conn = s->table->conn;
	if (!conn || ctrd_task_kill(conn, s->name, SIGTERM, false, kill_done, s) < 0)
		log_warn("%s: SIGTERM: %s", s->name, conn ? strerror(errno) : "no containerd");
	if (timer_arm(&s->timer, s->conf.grace_s * 1000) < 0)
		log_err("%s: arming its grace timer: %m", s->name);
}

static void kill_after_grace(struct service *s)
{
	console_failed("%s did not stop within %d s of SIGTERM, sending SIGKILL", s->name,
		       s->conf.grace_s);
	set_detail(s, "SIGKILL sent after %d s of grace", s->conf.grace_s);
	struct ctrd *conn = s->table->conn;
	if (conn && ctrd_task_kill(conn, s->name, SIGKILL, true, kill_done, s) < 0)
		log_warn("%s: SIGKILL: %m", s->name);
}

static void ready_timeout(struct service *s)
{
	console_failed("%s sent no READY=1 within %d s, killing it", s->name, s->conf.timeout_s);
	struct ctrd *conn = s->table->conn;
	if (conn && ctrd_task_kill(conn, s->name, SIGKILL, true, NULL, NULL) < 0)
		log_warn("%s: SIGKILL: %m", s->name);
}

/* --- after an exit or a failed start: clean up, then settle --- */

static void cleaned(void *arg, const struct ctrd_result *res)
{
	struct service *s = arg;
	if (res->grpc_status != CTRD_OK && res->grpc_status != CTRD_NOT_FOUND)
		log_warn("%s: deleting its stopped task: %s", s->name, res->message);
	supervise_event(s, EV_CLEANED);
	supervise_settle(s->table);
}

/* The task is gone: the state already says where it is headed, so that
 * status, stop requests and the shutdown see it; the task is deleted. */
static void clean_exit(struct service *s, uint32_t status)
{
	s->pid = 0;
	s->exit_status = status;
	describe_run_end(s, status);
	set_detail(s, "%s; cleaning up", s->how);
	struct ctrd *conn = s->table->conn;
	if (conn && ctrd_task_delete(conn, s->name, cleaned, s) == 0)
		return;
	supervise_event(s, EV_CLEANED);
}

static void start_container_deleted(void *arg, const struct ctrd_result *res)
{
	(void)res;
	struct service *s = arg;
	s->container_exists = false;
	supervise_event(s, EV_CLEANED);
	supervise_settle(s->table);
}

/* A Tasks.Create that containerd gave up on (the call's deadline) is
 * cleaned up by containerd itself: it asks the shim to delete the task and
 * removes the task directory when the shim answers within 5 s; if not, it
 * asks the shim to shut down and closes its connection, and the close runs
 * the shim's delete command, which removes the directory if it succeeds
 * within 5 s. Under load each step can miss its 5 s, and when the shim
 * lives on (it runs the tasks of its shim group) nothing removes the
 * directory afterwards: containerd has no
 * task of that name (Tasks.Delete: not found), and each Tasks.Create of it
 * fails with "mkdir .../io.containerd.runtime.v2.task/NS/NAME: file
 * exists". A collision with a create still under way in containerd ends
 * within its deadline and clean-up, LEFTOVER_GRACE_MS after it began at
 * most; one that lasts longer is cleared by restarting containerd, whose
 * start loads every task directory it finds: a task again (reconcile.c
 * deletes it, containerd removes the directory) or removed. Its tasks keep
 * running; the calls the restart cuts are containerd busy. */
#define LEFTOVER_GRACE_MS 45000

static void leftover_found(struct service *s)
{
	double now = boottime_ms();
	if (!s->leftover_since_ms) {
		s->leftover_since_ms = now;
		return;
	}
	if (now - s->leftover_since_ms < LEFTOVER_GRACE_MS)
		return;
	char why[sizeof s->name + 80];
	snprintf(why, sizeof why, "a task directory containerd no longer knows blocks %s", s->name);
	if (s->table->ev->restart_containerd(why)) {
		console_failed("%s: its task directory is left from a create containerd gave up "
			       "(collisions for %.0f s), and containerd no longer knows it: "
			       "restarting containerd to clear it (services keep running)",
			       s->name, (now - s->leftover_since_ms) / 1000);
		s->leftover_since_ms = 0;
	} else {
		console_failed("%s: its task directory is left from a create containerd gave up, "
			       "and containerd no longer knows it; containerd is not up, or was "
			       "restarted less than 5 min ago (at most one restart per 5 min): "
			       "retried as containerd busy",
			       s->name);
	}
}

static void start_task_deleted(void *arg, const struct ctrd_result *res)
{
	struct service *s = arg;
	if (s->dir_collision && res->grpc_status == CTRD_NOT_FOUND)
		leftover_found(s);
	else if (res->grpc_status != CTRD_CANCELLED)
		s->leftover_since_ms = 0;
	s->dir_collision = false;
	struct ctrd *conn = s->table->conn;
	if (s->container_exists && conn &&
	    ctrd_container_delete(conn, s->name, start_container_deleted, s) == 0)
		return;
	supervise_event(s, EV_CLEANED);
	supervise_settle(s->table);
}

/* What a failed start leaves (a task, the shim's state directory) makes the
 * next create fail with "already exists": delete the task, then the
 * container; the next start creates both afresh. */
static void clean_start(struct service *s, const char *why)
{
	s->pid = 0;
	if (s->state == SVC_CLEANING_STOPPED)
		s->how[0] = '\0'; /* stopped before it started: nothing to report */
	else
		snprintf(s->how, sizeof s->how, "could not %s", why);
	set_detail(s, "%s; cleaning up", s->how[0] ? s->how : "stopping");
	struct ctrd *conn = s->table->conn;
	if (conn && ctrd_task_delete(conn, s->name, start_task_deleted, s) == 0)
		return;
	supervise_event(s, EV_CLEANED);
}

/* 1 s, doubling, up to the policy's backoff_max. */
static int busy_delay_ms(const struct restart_policy *p, int retries)
{
	double delay = 1000;
	for (int i = 1; i < retries && delay < p->max_ms; i++)
		delay *= 2;
	return (int)(delay < p->max_ms ? delay : p->max_ms);
}

static void count_failure(struct service *s)
{
	double now = boottime_ms();
	const struct restart_policy *p = &s->conf.restart;
	if (s->containerd_busy && s->busy_retries < BUSY_RETRIES_MAX) {
		s->containerd_busy = false;
		int delay = busy_delay_ms(p, ++s->busy_retries);
		/* A leftover is looked at again once its grace is over. */
		double left = s->leftover_since_ms + LEFTOVER_GRACE_MS - now;
		if (s->leftover_since_ms && left > delay)
			delay = (int)left;
		set_detail(s, "%s; containerd was busy, not counted; retrying in %.1f s", s->how,
			   delay / 1000.0);
		console_failed("%s %s, containerd busy: retrying in %d s (not counted)", s->name,
			       s->how, (delay + 999) / 1000);
		if (timer_arm(&s->timer, delay) < 0)
			log_err("%s: arming its restart timer: %m", s->name);
		return;
	}
	s->containerd_busy = false;
	restart_record_failure(&s->history, now);
	if (restart_exhausted(p, &s->history, now)) {
		supervise_event(s, EV_GIVE_UP);
		return;
	}
	int delay = restart_delay_ms(p, &s->history, now);
	set_detail(s, "%s; restarting in %.1f s", s->how, delay / 1000.0);
	console_failed("%s %s, restarting in %d s", s->name, s->how, (delay + 999) / 1000);
	if (timer_arm(&s->timer, delay) < 0)
		log_err("%s: arming its restart timer: %m", s->name);
}

static void give_up(struct service *s)
{
	const struct restart_policy *p = &s->conf.restart;
	set_detail(s, "%s; %d failures within %d s: fix it, then stelectl start %s", s->how,
		   p->limit, p->window_ms / 1000, s->name);
	console_failed("%s %s, %d failures within %d s: giving up", s->name, s->how, p->limit,
		       p->window_ms / 1000);
	mark(s, "failed");
}

static void exited(struct service *s)
{
	const char *mode = restart_mode_name(s->conf.restart.mode);
	set_detail(s, "%s (restart: %s)", s->how, mode);
	if (s->exit_status != 0)
		console_failed("%s %s, not restarting (restart: %s)", s->name, s->how, mode);
	else
		console_ok("%s %s (restart: %s)", s->name, s->how, mode);
	mark(s, "exited");
}

static void stopped(struct service *s)
{
	if (!s->how[0]) {
		set_detail(s, "stopped before it started");
		return;
	}
	mark(s, "stopped");
	console_ok("Stopped %s (%s)", s->name, s->how);
	set_detail(s, "stopped (%s)", s->how);
}

static void became_ready(struct service *s, const char *how)
{
	s->was_ready = true;
	s->busy_retries = 0;
	s->leftover_since_ms = 0;
	set_detail(s, "pid %u", s->pid);
	mark(s, "ready");
	bool said = strcmp(how, "running") != 0;
	console_ok("Started %s (%.0f ms%s%s)", s->name, boottime_ms() - s->start_ms,
		   said ? ", " : "", said ? how : "");
}

static void running(struct service *s, uint32_t pid)
{
	took_pid(s, pid);
	if (s->conf.ready == READY_RUNNING) {
		supervise_feed(s, &(struct svc_input){.event = EV_READY, .why = "running"});
		return;
	}
	set_detail(s, "pid %u, waiting for READY=1 (up to %d s)", pid, s->conf.timeout_s);
	if (timer_arm(&s->timer, s->conf.timeout_s * 1000) < 0)
		log_err("%s: arming its readiness deadline: %m", s->name);
	notify_task_known(&s->notify);
}

static void adopt(struct service *s, uint32_t pid)
{
	s->container_exists = true;
	s->pid = pid;
	s->was_ready = s->started_once = true;
	s->start_ms = boottime_ms();
	set_detail(s, "pid %u (adopted)", pid);
	console_ok("Adopted %s (pid %u, still running)", s->name, pid);
}

static void perform(struct service *s, enum svc_action action, const struct svc_input *in)
{
	switch (action) {
	case ACT_UNHANDLED: /* the unit test keeps the table complete */
	case ACT_N_ACTIONS:
		log_err("%s: no transition for %s in %s", s->name, lifecycle_event_name(in->event),
			lifecycle_state_name(s->state));
		break;
	case ACT_NONE:
	case ACT_REFUSE: /* services_request() answers it */
		break;
	case ACT_START:
		begin_start(s);
		break;
	case ACT_DEP_FAILED:
		set_detail(s, "dependency %s will not be ready", in->why);
		console_failed("%s not started: its dependency %s failed", s->name, in->why);
		mark(s, "failed");
		break;
	case ACT_RUNNING:
		running(s, in->pid);
		break;
	case ACT_RUNNING_STOP:
		took_pid(s, in->pid);
		stop_task(s);
		break;
	case ACT_RUNNING_EXIT:
		took_pid(s, in->pid);
		supervise_exit(s, 0, s->exit_status);
		break;
	case ACT_HOLD_EXIT:
		s->exit_status = in->status;
		break;
	case ACT_READY:
		became_ready(s, in->why ? in->why : "running");
		break;
	case ACT_READY_TIMEOUT:
		ready_timeout(s);
		break;
	case ACT_STOP_TASK:
		stop_task(s);
		break;
	case ACT_KILL:
		kill_after_grace(s);
		break;
	case ACT_CLEAN:
		clean_exit(s, in->status);
		break;
	case ACT_CLEAN_START:
		clean_start(s, in->why ? in->why : "start");
		break;
	case ACT_FAILURE:
		count_failure(s);
		break;
	case ACT_GIVE_UP:
		give_up(s);
		break;
	case ACT_EXITED:
		exited(s);
		break;
	case ACT_STOPPED:
		stopped(s);
		break;
	case ACT_RESTART:
		mark(s, "stopped");
		console_ok("Stopped %s (%s)", s->name, s->how);
		set_detail(s, "restart requested");
		break;
	case ACT_RETRY:
		s->restarts++;
		set_detail(s,
			   s->table->conn ? "waiting for a start slot" : "waiting for containerd");
		break;
	case ACT_REQUESTED_START:
		restart_history_init(&s->history);
		set_detail(s, "start requested");
		break;
	case ACT_REQUESTED_STOP:
		set_detail(s, "stopped by stelectl");
		break;
	case ACT_STOPPED_SHUTDOWN:
		set_detail(s, "stopped at shutdown");
		break;
	case ACT_ADOPT:
		adopt(s, in->pid);
		break;
	}
}

void supervise_timer(struct timer *timer)
{
	struct service *s = timer->data;
	supervise_event(s, EV_TIMER);
	supervise_settle(s->table);
}

/* --- which waiting service may start --- */

/* A parked task costs nothing more: it leaves its slot. */
static size_t starting_count(const struct services *t)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++)
		n += lifecycle_starting(t->svcs[i].state) && !t->svcs[i].parked;
	return n;
}

/* containerd-shim-runc-v2 has a race when two tasks of a group that has
 * no shim yet are created at once: the second `shim start` can find the
 * first one's socket bound but not yet listening, remove it and start a
 * second daemon (seen: 3 shims for 2 groups, one left behind at stop).
 * So a group's first task is created alone, as a pod's sandbox is. */
/* Its spec names its default group (spec.c), not one of its own. */
static bool in_default_group(const struct service *s, unsigned group)
{
	char name[SPEC_SHIM_GROUP_NAME_MAX];
	snprintf(name, sizeof name, "%s-%u", SPEC_SHIM_GROUP, group);
	return strcmp(s->shim_group_name, name) == 0;
}

/* A group whose shim the supervisor started (shims.h) has no first task
 * to wait for. */
static bool shim_group_ready(const struct service *s)
{
	const struct services *t = s->table;
	unsigned group = s->shim_group;
	bool alive = false;
	int starting = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct service *o = &t->svcs[i];
		if (o == s || strcmp(o->shim_group_name, s->shim_group_name) != 0)
			continue;
		alive |= lifecycle_task_alive(o->state) || o->parked;
		starting += lifecycle_starting(o->state) && !o->parked;
	}
	if (starting >= MAX_STARTING_PER_GROUP)
		return false;
	if (alive)
		return true;
	if (group >= 64 || !in_default_group(s, group))
		return !starting;
	if (t->shim_starting >> group & 1)
		return false;
	return !starting || (t->shim_up >> group & 1);
}

/* 1: every dependency has been ready; 0: wait; -1: one will never be. */
static int deps_state(const struct service *s, const char **blocker)
{
	int result = 1;
	for (size_t i = 0; i < s->conf.n_depends; i++) {
		const struct service *d = &s->table->svcs[s->dep_index[i]];
		if (d->was_ready)
			continue;
		*blocker = d->name;
		if (lifecycle_down_for_good(d->state))
			return -1;
		result = 0;
	}
	return result;
}

/* Returns true when the service will never start now (a dependency
 * failed, or it failed at once): its own dependents must be looked at
 * again. */
static bool try_start(struct service *s)
{
	const char *blocker = NULL;
	int deps = deps_state(s, &blocker);
	if (deps < 0) {
		supervise_feed(s, &(struct svc_input){.event = EV_DEP_FAILED, .why = blocker});
		return true;
	}
	if (deps == 0)
		set_detail(s, "waiting for %s", blocker);
	else if (starting_count(s->table) >= MAX_STARTING)
		set_detail(s, "waiting for a start slot (%d starting)", MAX_STARTING);
	else if (!shim_group_ready(s))
		set_detail(s, "waiting for its shim group's shim or first task");
	else
		supervise_event(s, EV_GO);
	return lifecycle_down_for_good(s->state);
}

static bool settled(const struct service *s)
{
	return s->started_once || lifecycle_down_for_good(s->state);
}

/* The slot check of an A/B host (update/README.md): blessing a slot on
 * trial, reporting a rollback, following userdata's update. It runs on
 * its own, bounded by itself; the SIGCHLD reaping collects it. Only under
 * PID 1: a supervisor under test must not touch its host's ESP. */
static void start_update_check(void)
{
	static const char ctl[] = "/usr/bin/stelectl";
	if (getppid() != 1 || access(ctl, X_OK) < 0)
		return;
	char *argv[] = {(char *)ctl, "update", "--boot", NULL};
	struct spawn_opts so = SPAWN_OPTS_DEFAULT;
	so.oom_score_adj = "0";
	if (spawn(ctl, argv, &so) < 0)
		log_warn("%s update --boot: %s", ctl, strerror(errno));
}

static void check_boot_complete(struct services *t)
{
	if (t->boot_complete || !t->onboot_done || t->shutdown != TABLE_UP ||
	    (!t->conn && services_want_containerd(t)))
		return;
	size_t running = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (!settled(&t->svcs[i]))
			return;
		running += t->svcs[i].state == SVC_RUNNING || t->svcs[i].state == SVC_READY;
	}
	t->boot_complete = true;
	/* Under PID 1 the honest figure is the time since the kernel started;
	 * on a test host that would be the host's uptime. */
	double ms = getppid() == 1 ? boottime_ms() : boottime_ms() - t->boot_start_ms;
	if (!t->readopted) {
		char line[128];
		snprintf(line, sizeof line,
			 "stele: boot complete: %zu/%zu services running in %.0f ms", running, t->n,
			 ms);
		console_line(line);
	}
	if (timeline_mark("supervisor", "mark", "boot-complete", "end") < 0 ||
	    timeline_export() < 0)
		log_warn("timeline: %m");
	if (!t->readopted)
		start_update_check();
}

static void kick(struct services *t)
{
	/* A power request (stelectl, onboot's verdict) starts nothing new. */
	if (t->shutdown != TABLE_UP || t->holding)
		return;
	if (!t->conn) {
		for (size_t i = 0; i < t->n; i++)
			if (t->svcs[i].state == SVC_WAITING)
				set_detail(&t->svcs[i], "waiting for containerd");
		return;
	}
	bool changed = true;
	while (changed) {
		changed = false;
		for (size_t i = 0; i < t->n; i++) {
			struct service *s = &t->svcs[i];
			if (s->state != SVC_WAITING || s->busy)
				continue;
			/* During onboot only a first start is made, of a service
			 * early.h clears; a restart waits for onboot's end. */
			if (t->onboot_done)
				changed |= try_start(s);
			else if (s->early && !s->started_once)
				changed |= try_start(s);
			else if (s->early)
				set_detail(s, "waiting for onboot");
			else
				set_detail(s, "waiting for onboot (created after it: %.200s)",
					   s->late_why);
		}
	}
}

/* onboot ended: parked tasks start; or, when nothing may start (a power
 * request, the shutdown), they are given up as stopped before they
 * started, which deletes the task and the container. */
static void release_parked(struct services *t)
{
	bool go = t->shutdown == TABLE_UP && !t->holding;
	for (size_t i = 0; i < t->n; i++) {
		struct service *s = &t->svcs[i];
		if (!s->parked)
			continue;
		s->parked = false;
		if (go && t->conn && ctrd_task_start(t->conn, s->name, started, s) == 0) {
			set_detail(s, "starting its task");
			continue;
		}
		if (s->state == SVC_STARTING && !go)
			supervise_event(s, EV_SHUTDOWN);
		start_failed(s, "start its task",
			     !go       ? "the system is shutting down"
			     : t->conn ? strerror(errno)
				       : "containerd was lost");
	}
}

/* --- the ordered shutdown --- */

static bool has_active_dependents(const struct service *s)
{
	const struct services *t = s->table;
	int me = (int)(s - t->svcs);
	for (size_t i = 0; i < t->n; i++) {
		const struct service *o = &t->svcs[i];
		if (!lifecycle_active(o->state))
			continue;
		for (size_t d = 0; d < o->conf.n_depends; d++)
			if (o->dep_index[d] == me)
				return true;
	}
	return false;
}

/* Dependents before what they depend on. Returns true while any service
 * is still active. */
static bool stop_services(struct services *t)
{
	bool any_active = false;
	for (size_t i = 0; i < t->n; i++) {
		struct service *s = &t->svcs[i];
		bool up = s->state == SVC_RUNNING || s->state == SVC_READY;
		if (!up || !has_active_dependents(s))
			supervise_event(s, EV_SHUTDOWN);
		any_active |= lifecycle_active(s->state);
	}
	return any_active;
}

static void container_deleted(void *arg, const struct ctrd_result *res)
{
	struct service *s = arg;
	s->busy--;
	if (res->grpc_status != CTRD_OK && res->grpc_status != CTRD_NOT_FOUND)
		log_warn("%s: deleting its container: %s", s->name, res->message);
	s->container_exists = false;
	supervise_settle(s->table);
}

static bool delete_containers(struct services *t)
{
	bool pending = false;
	for (size_t i = 0; i < t->n; i++) {
		struct service *s = &t->svcs[i];
		if (s->busy) {
			pending = true;
			continue;
		}
		if (!s->container_exists)
			continue;
		if (ctrd_container_delete(t->conn, s->name, container_deleted, s) == 0) {
			s->busy++;
			pending = true;
		}
	}
	return pending;
}

static void shutdown_progress(struct services *t)
{
	if (t->shutdown != TABLE_STOPPING && t->shutdown != TABLE_DELETING)
		return;
	release_parked(t);
	if (t->conn) {
		if (t->shutdown == TABLE_STOPPING) {
			if (stop_services(t))
				return;
			t->shutdown = TABLE_DELETING;
		}
		if (delete_containers(t))
			return;
	}
	/* Done, or nothing more can be asked of containerd. */
	t->shutdown = TABLE_STOPPED;
	t->ev->services_stopped();
}

void supervise_settle(struct services *t)
{
	kick(t);
	check_boot_complete(t);
	shutdown_progress(t);
}

/* --- the table's events and requests --- */

void services_onboot_done(struct services *t, bool earlier)
{
	t->onboot_done = true;
	t->readopted |= earlier;
	release_parked(t);
	supervise_settle(t);
}

uint64_t services_shim_groups(const struct services *t)
{
	uint64_t groups = 0;
	for (size_t i = 0; i < t->n; i++) {
		unsigned k = t->svcs[i].shim_group;
		if (t->svcs[i].state == SVC_WAITING && k < 64 && in_default_group(&t->svcs[i], k))
			groups |= (uint64_t)1 << k;
	}
	return groups;
}

void services_shim_groups_starting(struct services *t, uint64_t groups)
{
	t->shim_starting |= groups;
}

void services_shim_group_done(struct services *t, unsigned group, bool up)
{
	if (group >= 64)
		return;
	t->shim_starting &= ~((uint64_t)1 << group);
	if (up)
		t->shim_up |= (uint64_t)1 << group;
	supervise_settle(t);
}

void services_containerd_lost(struct services *t)
{
	t->conn = NULL;
	release_parked(t);
	supervise_settle(t);
}

void services_task_exit(struct services *t, const char *id, uint32_t pid, uint32_t exit_status)
{
	struct service *s = service_find(t, id);
	if (!s || s->state == SVC_BROKEN) {
		reconcile_stale_exited(t, id);
		return;
	}
	uint32_t mine = s->pid ? s->pid : s->created_pid;
	if (mine && pid && pid != mine)
		return; /* not its task's init process */
	if (pid && pid == s->deleted_pid)
		return; /* the leftover reconcile deleted */
	supervise_exit(s, pid, exit_status);
	supervise_settle(t);
}

void services_ready(struct services *t, const char *name, const char *how)
{
	struct service *s = service_find(t, name);
	if (!s)
		return;
	supervise_feed(s, &(struct svc_input){.event = EV_READY, .why = how});
	supervise_settle(t);
}

void services_hold(struct services *t)
{
	t->holding = true;
}

void services_shutdown(struct services *t)
{
	if (t->shutdown != TABLE_UP)
		return;
	t->shutdown = TABLE_STOPPING;
	supervise_settle(t);
}

int services_request(struct services *t, const char *verb, const char *name, char *msg, size_t len)
{
	struct service *s = service_find(t, name);
	if (!s) {
		snprintf(msg, len, "no service %s: stelectl status lists them", name);
		return -1;
	}
	if (t->shutdown != TABLE_UP) {
		snprintf(msg, len, "the system is shutting down");
		return -1;
	}
	enum svc_event ev = strcmp(verb, "start") == 0	? EV_START
			    : strcmp(verb, "stop") == 0 ? EV_STOP
							: EV_RESTART;
	struct svc_step step = lifecycle_step(s->state, ev);
	if (step.action == ACT_REFUSE) {
		snprintf(msg, len, "%s: %s", s->name, s->detail);
		return -1;
	}
	if (step.action == ACT_STOP_TASK && !t->conn) {
		snprintf(msg, len, "%s: containerd is not connected; try again shortly", s->name);
		return -1;
	}
	supervise_event(s, ev);
	supervise_settle(t);
	snprintf(msg, len, "%s", lifecycle_shown(s->state));
	return 0;
}

bool services_status(const struct services *t, const char *name, status_emit_fn *emit, void *arg)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct service *s = &t->svcs[i];
		if (name && strcmp(s->name, name) != 0)
			continue;
		struct status_row row = {.kind = "service",
					 .name = s->name,
					 .state = lifecycle_shown(s->state),
					 .pid = s->pid,
					 .since_ms = s->state_since_ms,
					 .restarts = s->restarts,
					 .detail = s->detail};
		emit(arg, &row);
		if (name)
			return true;
	}
	return !name;
}

struct logstore *services_log(struct services *t, const char *name)
{
	struct service *s = service_find(t, name);
	return s ? &s->log : NULL;
}
