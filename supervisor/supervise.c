/* supervise: the life of each service, driven by containerd's answers and
 * exit events, the service timers and stelectl requests.
 *
 *   WAITING -> STARTING -> RUNNING -> READY -> (exit) -> BACKOFF -> STARTING
 *                                          \-> EXITED (policy) / FAILED (limit)
 *   stop: RUNNING/READY -> STOPPING (SIGTERM, grace, SIGKILL) -> STOPPED
 *
 * A start is a chain of calls: [task delete] -> container create -> task
 * create -> task start, each queued from the previous one's callback. */
#include "lib/log.h"
#include "lib/timeline.h"
#include "supervisor/prepare.h"
#include "supervisor/spec.h"
#include "supervisor/supervisor.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool conn_up(void)
{
	return sv.cd == CD_UP && sv.conn;
}

static void mark(const struct service *s, const char *event)
{
	if (timeline_mark("supervisor", "service", s->name, event) < 0)
		log_debug("timeline: %s %s: %m", s->name, event);
}

void service_become(struct service *s, enum svc_state st, const char *fmt, ...)
{
	s->state = st;
	s->state_since_ms = now_ms();
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

static void after_failure(struct service *s, const char *how)
{
	double now = now_ms();
	struct restart_policy *p = &s->conf.restart;
	restart_record_failure(&s->history, now);
	if (restart_exhausted(p, &s->history, now)) {
		service_become(s, SVC_FAILED,
			       "%s; %d failures within %d s: fix it, then stelectl start %s", how,
			       p->limit, p->window_ms / 1000, s->name);
		console_failed("%s %s, %d failures within %d s: giving up", s->name, how, p->limit,
			       p->window_ms / 1000);
		mark(s, "failed");
		return;
	}
	int delay = restart_delay_ms(p, &s->history, now);
	service_become(s, SVC_BACKOFF, "%s; restarting in %.1f s", how, delay / 1000.0);
	console_failed("%s %s, restarting in %d s", s->name, how, (delay + 999) / 1000);
	if (timer_arm(&s->timer, delay) < 0)
		log_err("%s: arming its restart timer: %m", s->name);
}

/* How the run ended; a non-zero exit also says the last thing the service
 * printed, which is usually why (a service that checks its settings names
 * the one to fix). A signal's victim had no say, so it gets none. */
static void describe_run_end(struct service *s, uint32_t status, char *how, size_t len)
{
	describe_exit(status, how, len);
	char last[200];
	if (status == 0 || status > 128 || !service_last_words(s, last, sizeof last))
		return;
	size_t n = strlen(how);
	snprintf(how + n, len - n, ": %s", last);
}

static void after_exit(struct service *s, uint32_t status)
{
	char how[320];
	timer_disarm(&s->timer);
	s->pid = 0;
	s->cleaning = false;
	if (s->exit_while_stopping || sv.shutdown != SD_NONE || s->admin_down) {
		describe_exit(status, how, sizeof how);
		mark(s, "stopped");
		console_ok("Stopped %s (%s)", s->name, how);
		service_become(s, SVC_STOPPED, "stopped (%s)", how);
		if (s->restart_requested && sv.shutdown == SD_NONE) {
			s->restart_requested = false;
			s->admin_down = false;
			service_become(s, SVC_WAITING, "restart requested");
		}
		supervise_shutdown_progress();
		supervise_kick();
		return;
	}
	describe_run_end(s, status, how, sizeof how);
	if (!restart_wanted(&s->conf.restart, status != 0)) {
		service_become(s, SVC_EXITED, "%s (restart: %s)", how,
			       restart_mode_name(s->conf.restart.mode));
		if (status != 0)
			console_failed("%s %s, not restarting (restart: %s)", s->name, how,
				       restart_mode_name(s->conf.restart.mode));
		else
			console_ok("%s %s (restart: %s)", s->name, how,
				   restart_mode_name(s->conf.restart.mode));
		mark(s, "exited");
	} else {
		after_failure(s, how);
	}
	supervise_kick();
}

static void exit_task_deleted(void *arg, const struct ctrd_result *res)
{
	struct service *s = arg;
	s->busy--;
	if (res->grpc_status != CTRD_OK && res->grpc_status != CTRD_NOT_FOUND)
		log_warn("%s: deleting its stopped task: %s", s->name, res->message);
	after_exit(s, s->pending_status);
}

/* The task is gone: leave the running states at once, so that status, stop
 * requests and the shutdown see it, then delete the task. */
static void handle_exit(struct service *s, uint32_t status)
{
	char how[96];
	describe_exit(status, how, sizeof how);
	timer_disarm(&s->timer);
	s->exit_while_stopping = s->state == SVC_STOPPING;
	s->cleaning = true;
	s->pid = 0;
	s->pending_status = status;
	/* The state it is headed for, so that no one waiting on it (stelectl)
	 * mistakes the clean-up for an outcome; after_exit() settles it. */
	enum svc_state next = SVC_BACKOFF;
	if (s->exit_while_stopping || sv.shutdown != SD_NONE || s->admin_down)
		next = SVC_STOPPING;
	else if (!restart_wanted(&s->conf.restart, status != 0))
		next = SVC_EXITED;
	service_become(s, next, "%s; cleaning up", how);
	if (conn_up() && ctrd_task_delete(sv.conn, s->name, exit_task_deleted, s) == 0) {
		s->busy++;
		return;
	}
	after_exit(s, status);
}

void supervise_on_exit(void *arg, const char *id, uint32_t pid, uint32_t exit_status)
{
	(void)arg;
	struct service *s = service_find(id);
	if (!s || s->bad) {
		reconcile_stale_exited(id);
		return;
	}
	if (s->state == SVC_STARTING) {
		s->exit_pending = true;
		s->pending_status = exit_status;
		return;
	}
	if (s->cleaning ||
	    (s->state != SVC_RUNNING && s->state != SVC_READY && s->state != SVC_STOPPING))
		return; /* an exit already handled, or from an earlier run */
	if (s->pid && pid && pid != s->pid)
		return;
	handle_exit(s, exit_status);
}

void supervise_task_lost(struct service *s, uint32_t status)
{
	if (!s->cleaning)
		handle_exit(s, status);
}

static void fail_start(struct service *s, const char *what, const char *why)
{
	s->task_dirty = true;
	if (sv.shutdown != SD_NONE || s->admin_down || s->stop_after_start) {
		service_become(s, SVC_STOPPED, "stopped before it started");
		supervise_shutdown_progress();
		return;
	}
	char how[300];
	snprintf(how, sizeof how, "could not %s (%.220s)", what, why);
	after_failure(s, how);
	supervise_kick();
}

/* A task that is already gone sends no exit event: take it as stopped. */
static void kill_done(void *arg, const struct ctrd_result *res)
{
	struct service *s = arg;
	if (res->grpc_status == CTRD_NOT_FOUND && s->state == SVC_STOPPING && !s->cleaning)
		handle_exit(s, 0);
	else if (res->grpc_status != CTRD_OK && res->grpc_status != CTRD_NOT_FOUND)
		log_warn("%s: signalling its task: %s", s->name, res->message);
}

static void stop_task(struct service *s)
{
	service_become(s, SVC_STOPPING, "SIGTERM sent; SIGKILL after %d s", s->conf.grace_s);
	mark(s, "stop");
	if (ctrd_task_kill(sv.conn, s->name, SIGTERM, false, kill_done, s) < 0)
		log_warn("%s: SIGTERM: %m", s->name);
	if (timer_arm(&s->timer, s->conf.grace_s * 1000) < 0)
		log_err("%s: arming its grace timer: %m", s->name);
}

static void started(void *arg, const struct ctrd_result *res)
{
	struct service *s = arg;
	if (res->grpc_status != CTRD_OK) {
		fail_start(s, "start its task", res->message);
		return;
	}
	s->pid = res->pid;
	s->started_once = true;
	mark(s, "running");
	service_become(s, SVC_RUNNING, "pid %u", s->pid);
	if (s->exit_pending) {
		s->exit_pending = false;
		handle_exit(s, s->pending_status);
		return;
	}
	if (s->stop_after_start || sv.shutdown != SD_NONE) {
		s->stop_after_start = false;
		stop_task(s);
		return;
	}
	if (s->conf.ready == READY_RUNNING) {
		supervise_set_ready(s, "running");
		return;
	}
	service_become(s, SVC_RUNNING, "pid %u, waiting for READY=1 (up to %d s)", s->pid,
		       s->conf.timeout_s);
	if (timer_arm(&s->timer, s->conf.timeout_s * 1000) < 0)
		log_err("%s: arming its readiness deadline: %m", s->name);
	supervise_kick();
}

static void task_created(void *arg, const struct ctrd_result *res)
{
	struct service *s = arg;
	if (res->grpc_status != CTRD_OK) {
		fail_start(s, "create its task", res->message);
		return;
	}
	if (ctrd_task_start(sv.conn, s->name, started, s) < 0)
		fail_start(s, "start its task", strerror(errno));
}

static void create_task(struct service *s)
{
	if (ctrd_task_create(sv.conn, s->name, s->fifo, s->fifo, task_created, s) < 0)
		fail_start(s, "create its task", strerror(errno));
}

static void container_created(void *arg, const struct ctrd_result *res)
{
	struct service *s = arg;
	if (res->grpc_status != CTRD_OK && res->grpc_status != CTRD_ALREADY_EXISTS) {
		fail_start(s, "create its container", res->message);
		return;
	}
	s->container_exists = true;
	create_task(s);
}

static void create_container(struct service *s)
{
	static const char *const labels[] = {"stele.service=1", NULL};
	if (s->container_exists) {
		create_task(s);
		return;
	}
	char why[600];
	if (!s->prepared) {
		if (prepare_service(s->dir, s->spec, sv.opt.state_mountpoint, why, sizeof why) <
		    0) {
			fail_start(s, "prepare its host side", why);
			return;
		}
		s->prepared = true;
	}
	if (ctrd_container_create(sv.conn, s->name, s->spec, s->spec_len, labels, container_created,
				  s) < 0)
		fail_start(s, "create its container", strerror(errno));
}

/* What a failed start leaves (a task, the shim's state directory) makes the
 * next create fail with "already exists": delete the task, then the
 * container, and create both afresh. */
static void dirty_container_deleted(void *arg, const struct ctrd_result *res)
{
	(void)res;
	struct service *s = arg;
	s->container_exists = false;
	create_container(s);
}

static void dirty_task_deleted(void *arg, const struct ctrd_result *res)
{
	(void)res;
	struct service *s = arg;
	s->task_dirty = false;
	if (!s->container_exists ||
	    ctrd_container_delete(sv.conn, s->name, dirty_container_deleted, s) < 0)
		create_container(s);
}

/* Each start spawns a Go shim and runc; with every service at once,
 * containerd stops answering within its deadlines (measured by `make bench`
 * at 50 services under TCG). Starts beyond this many wait for a slot. */
#define MAX_STARTING 8

static size_t starting_count(void)
{
	size_t n = 0;
	for (size_t i = 0; i < sv.n_svcs; i++)
		n += sv.svcs[i].state == SVC_STARTING;
	return n;
}

static bool task_alive(const struct service *s)
{
	return s->state == SVC_RUNNING || s->state == SVC_READY || s->state == SVC_STOPPING;
}

/* containerd-shim-runc-v2 has a race when two tasks of a group that has
 * no shim yet are created at once: the second `shim start` can find the
 * first one's socket bound but not yet listening, remove it and start a
 * second daemon (seen: 3 shims for 2 groups, one left behind at stop).
 * So a group's first task is created alone, as a pod's sandbox is. */
static bool shim_group_ready(const struct service *s)
{
	unsigned group = spec_shim_group_index(s->name);
	bool alive = false, starting = false;
	for (size_t i = 0; i < sv.n_svcs; i++) {
		const struct service *t = &sv.svcs[i];
		if (t == s || spec_shim_group_index(t->name) != group)
			continue;
		alive |= task_alive(t);
		starting |= t->state == SVC_STARTING;
	}
	return alive || !starting;
}

static void begin_start(struct service *s)
{
	timer_disarm(&s->timer);
	s->exit_pending = false;
	s->stop_after_start = false;
	s->pid = 0;
	s->start_ms = now_ms();
	s->run_log_from = s->log.ring.end;
	restart_record_start(&s->history, s->start_ms);
	service_become(s, SVC_STARTING, "creating its task");
	mark(s, "start");
	if (s->task_dirty) {
		if (ctrd_task_delete(sv.conn, s->name, dirty_task_deleted, s) == 0)
			return;
	}
	create_container(s);
}

void supervise_set_ready(struct service *s, const char *how)
{
	if (s->state != SVC_RUNNING)
		return;
	timer_disarm(&s->timer);
	s->was_ready = true;
	service_become(s, SVC_READY, "pid %u", s->pid);
	mark(s, "ready");
	console_ok("Started %s (%.0f ms%s%s)", s->name, now_ms() - s->start_ms,
		   strcmp(how, "running") ? ", " : "", strcmp(how, "running") ? how : "");
	supervise_kick();
}

void supervise_timer(struct timer *t)
{
	struct service *s = t->data;
	switch (s->state) {
	case SVC_BACKOFF:
		if (sv.shutdown != SD_NONE || s->admin_down) {
			service_become(s, SVC_STOPPED, "stopped while waiting to restart");
			supervise_shutdown_progress();
		} else if (!conn_up() || s->busy) {
			service_become(s, SVC_WAITING, "waiting for containerd");
		} else if (starting_count() >= MAX_STARTING || !shim_group_ready(s)) {
			s->restarts++;
			service_become(s, SVC_WAITING, "waiting for a start slot");
		} else {
			s->restarts++;
			begin_start(s);
		}
		break;
	case SVC_RUNNING:
		console_failed("%s sent no READY=1 within %d s, killing it", s->name,
			       s->conf.timeout_s);
		if (conn_up() && ctrd_task_kill(sv.conn, s->name, SIGKILL, true, NULL, NULL) < 0)
			log_warn("%s: SIGKILL: %m", s->name);
		break;
	case SVC_STOPPING:
		console_failed("%s did not stop within %d s of SIGTERM, sending SIGKILL", s->name,
			       s->conf.grace_s);
		service_become(s, SVC_STOPPING, "SIGKILL sent after %d s of grace",
			       s->conf.grace_s);
		if (conn_up() && ctrd_task_kill(sv.conn, s->name, SIGKILL, true, kill_done, s) < 0)
			log_warn("%s: SIGKILL: %m", s->name);
		break;
	default:
		break;
	}
	supervise_kick();
}

/* 1: every dependency has been ready; 0: wait; -1: one will never be. */
static int deps_state(struct service *s, const char **blocker)
{
	int result = 1;
	for (size_t i = 0; i < s->conf.n_depends; i++) {
		struct service *d = &sv.svcs[s->dep_index[i]];
		if (d->was_ready)
			continue;
		*blocker = d->name;
		if (d->bad || d->state == SVC_FAILED || d->state == SVC_EXITED ||
		    d->state == SVC_STOPPED)
			return -1;
		result = 0;
	}
	return result;
}

static bool settled(const struct service *s)
{
	return s->bad || s->started_once || s->state == SVC_FAILED || s->state == SVC_EXITED ||
	       s->state == SVC_STOPPED;
}

static void check_boot_complete(void)
{
	if (sv.boot_complete || !sv.onboot_done || sv.cd != CD_UP || sv.shutdown != SD_NONE)
		return;
	size_t running = 0;
	for (size_t i = 0; i < sv.n_svcs; i++) {
		if (!settled(&sv.svcs[i]))
			return;
		running += sv.svcs[i].state == SVC_RUNNING || sv.svcs[i].state == SVC_READY;
	}
	sv.boot_complete = true;
	/* Under PID 1 the honest figure is the time since the kernel started;
	 * on a test host that would be the host's uptime. */
	double ms = getppid() == 1 ? boottime_ms() : now_ms() - sv.boot_start_ms;
	if (!sv.readopted) {
		char line[128];
		snprintf(line, sizeof line,
			 "stele: boot complete: %zu/%zu services running in %.0f ms", running,
			 sv.n_svcs, ms);
		console_line(line);
	}
	if (timeline_mark("supervisor", "mark", "boot-complete", "end") < 0 ||
	    timeline_export() < 0)
		log_warn("timeline: %m");
}

void supervise_kick(void)
{
	/* A power request (stelectl, onboot's verdict) starts nothing new. */
	if (sv.shutdown != SD_NONE || sv.power != POWER_NONE || !sv.onboot_done || !conn_up()) {
		check_boot_complete();
		return;
	}
	bool changed = true;
	while (changed) {
		changed = false;
		for (size_t i = 0; i < sv.n_svcs; i++) {
			struct service *s = &sv.svcs[i];
			if (s->state != SVC_WAITING || s->bad || s->admin_down || s->busy)
				continue;
			const char *blocker = NULL;
			int deps = deps_state(s, &blocker);
			if (deps < 0) {
				service_become(s, SVC_FAILED, "dependency %s will not be ready",
					       blocker);
				console_failed("%s not started: its dependency %s failed", s->name,
					       blocker);
				mark(s, "failed");
				changed = true;
			} else if (deps == 0) {
				snprintf(s->detail, sizeof s->detail, "waiting for %s", blocker);
			} else if (starting_count() >= MAX_STARTING) {
				snprintf(s->detail, sizeof s->detail,
					 "waiting for a start slot (%d starting)", MAX_STARTING);
			} else if (!shim_group_ready(s)) {
				snprintf(s->detail, sizeof s->detail,
					 "waiting for its shim group's first task");
			} else {
				begin_start(s);
			}
		}
	}
	check_boot_complete();
}

void supervise_containerd_lost(void)
{
	for (size_t i = 0; i < sv.n_svcs; i++)
		if (sv.svcs[i].state == SVC_WAITING && !sv.svcs[i].bad)
			snprintf(sv.svcs[i].detail, sizeof sv.svcs[i].detail,
				 "waiting for containerd");
}

int supervise_start(struct service *s)
{
	if (s->bad)
		return -1;
	s->admin_down = false;
	switch (s->state) {
	case SVC_STOPPED:
	case SVC_EXITED:
	case SVC_FAILED:
	case SVC_BACKOFF:
		timer_disarm(&s->timer);
		restart_history_init(&s->history);
		service_become(s, SVC_WAITING, "start requested");
		break;
	case SVC_STOPPING:
		s->restart_requested = true;
		break;
	default:
		break;
	}
	supervise_kick();
	return 0;
}

int supervise_stop(struct service *s)
{
	s->admin_down = true;
	s->restart_requested = false;
	switch (s->state) {
	case SVC_WAITING:
	case SVC_BACKOFF:
	case SVC_EXITED:
	case SVC_FAILED:
		timer_disarm(&s->timer);
		if (!s->bad)
			service_become(s, SVC_STOPPED, "stopped by stelectl");
		break;
	case SVC_STARTING:
		s->stop_after_start = true;
		break;
	case SVC_RUNNING:
	case SVC_READY:
		if (!conn_up())
			return -1;
		stop_task(s);
		break;
	default:
		break;
	}
	return 0;
}

int supervise_restart(struct service *s)
{
	if (s->bad)
		return -1;
	if ((s->state == SVC_RUNNING || s->state == SVC_READY) && conn_up()) {
		s->restart_requested = true;
		s->admin_down = true;
		stop_task(s);
		return 0;
	}
	return supervise_start(s);
}

static bool active(const struct service *s)
{
	return s->state == SVC_STARTING || s->state == SVC_RUNNING || s->state == SVC_READY ||
	       s->state == SVC_STOPPING;
}

static bool has_active_dependents(const struct service *s)
{
	size_t me = (size_t)(s - sv.svcs);
	for (size_t i = 0; i < sv.n_svcs; i++) {
		const struct service *t = &sv.svcs[i];
		if (!active(t) || t->bad)
			continue;
		for (size_t d = 0; d < t->conf.n_depends; d++)
			if (t->dep_index[d] == (int)me)
				return true;
	}
	return false;
}

static void container_deleted(void *arg, const struct ctrd_result *res)
{
	struct service *s = arg;
	s->busy--;
	if (res->grpc_status != CTRD_OK && res->grpc_status != CTRD_NOT_FOUND)
		log_warn("%s: deleting its container: %s", s->name, res->message);
	s->container_exists = false;
	supervise_shutdown_progress();
}

/* Services first, dependents before what they depend on; then their
 * containers; then containerd (cdproc.c), onshutdown (phases.c). */
static bool stop_services(void)
{
	bool any_active = false;
	for (size_t i = 0; i < sv.n_svcs; i++) {
		struct service *s = &sv.svcs[i];
		if (s->state == SVC_WAITING || s->state == SVC_BACKOFF) {
			timer_disarm(&s->timer);
			service_become(s, SVC_STOPPED, "stopped at shutdown");
		}
		if (!active(s))
			continue;
		any_active = true;
		if (s->state == SVC_STARTING)
			s->stop_after_start = true;
		else if ((s->state == SVC_RUNNING || s->state == SVC_READY) &&
			 !has_active_dependents(s))
			stop_task(s);
	}
	return any_active;
}

static bool delete_containers(void)
{
	bool pending = false;
	for (size_t i = 0; i < sv.n_svcs; i++) {
		struct service *s = &sv.svcs[i];
		if (s->busy) {
			pending = true;
			continue;
		}
		if (!s->container_exists)
			continue;
		if (ctrd_container_delete(sv.conn, s->name, container_deleted, s) == 0) {
			s->busy++;
			pending = true;
		}
	}
	return pending;
}

void supervise_shutdown_progress(void)
{
	if (sv.shutdown != SD_SERVICES && sv.shutdown != SD_CONTAINERS)
		return;
	if (!conn_up()) {
		cd_stop(); /* nothing more can be asked of containerd */
		return;
	}
	if (sv.shutdown == SD_SERVICES) {
		if (stop_services())
			return;
		sv.shutdown = SD_CONTAINERS;
	}
	if (!delete_containers())
		cd_stop();
}
