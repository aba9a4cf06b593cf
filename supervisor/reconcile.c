/* reconcile: after every (re)connection to containerd, rebuild the view of
 * the services from what containerd holds, so that neither a restart of
 * containerd nor one of the supervisor restarts a running service.
 *
 *   subscribe to exits (first, so no exit falls between list and start)
 *   -> list tasks -> list containers -> for each container:
 *        a service's running task: adopt it (keep its pid, no restart);
 *        a service's dead or half-made task: delete task and container, and
 *          if we believed it running, handle it as an exit;
 *        anything else in our namespace: kill, delete (a stale leftover).
 *   Services we believed running that containerd no longer knows exited. */
#include "lib/log.h"
#include "supervisor/supervisor.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct task_copy {
	char id[80];
	uint32_t pid;
	enum ctrd_task_status status;
	uint32_t exit_status;
};

static struct task_copy *tasks;
static size_t n_tasks;

static const struct task_copy *task_of(const char *id)
{
	for (size_t i = 0; i < n_tasks; i++)
		if (strcmp(tasks[i].id, id) == 0)
			return &tasks[i];
	return NULL;
}

static bool alive(const struct task_copy *t)
{
	return t && (t->status == CTRD_TASK_RUNNING || t->status == CTRD_TASK_PAUSED ||
		     t->status == CTRD_TASK_PAUSING);
}

/* --- stale containers: a heap copy of the id rides along the chain --- */

static void stale_container_deleted(void *arg, const struct ctrd_result *res)
{
	if (res->grpc_status != CTRD_OK && res->grpc_status != CTRD_NOT_FOUND)
		log_warn("stale container %s: delete: %s", (char *)arg, res->message);
	free(arg);
}

static void stale_task_deleted(void *arg, const struct ctrd_result *res)
{
	(void)res;
	if (!sv.conn || ctrd_container_delete(sv.conn, arg, stale_container_deleted, arg) < 0)
		free(arg);
}

void reconcile_stale_exited(const char *id)
{
	char *copy = strdup(id);
	if (copy && sv.conn && ctrd_task_delete(sv.conn, id, stale_task_deleted, copy) == 0)
		return;
	free(copy);
}

static void remove_stale(const char *id, const struct task_copy *t)
{
	log_info("removing stale container %s (%s)", id,
		 t ? ctrd_task_status_name(t->status) : "no task");
	if (alive(t)) {
		/* Its exit event finishes the job (reconcile_stale_exited). */
		if (ctrd_task_kill(sv.conn, id, SIGKILL, true, NULL, NULL) < 0)
			log_warn("stale container %s: kill: %m", id);
		return;
	}
	char *copy = strdup(id);
	if (!copy)
		return;
	int rc = t ? ctrd_task_delete(sv.conn, id, stale_task_deleted, copy)
		   : ctrd_container_delete(sv.conn, id, stale_container_deleted, copy);
	if (rc < 0)
		free(copy);
}

/* --- a service's own container that holds no live task --- */

static void cleaned(void *arg, const struct ctrd_result *res)
{
	struct service *s = arg;
	if (res->grpc_status != CTRD_OK && res->grpc_status != CTRD_NOT_FOUND)
		log_warn("%s: deleting its old container: %s", s->name, res->message);
	s->busy--;
	s->container_exists = false;
	supervise_kick();
}

static void dead_task_deleted(void *arg, const struct ctrd_result *res)
{
	struct service *s = arg;
	(void)res;
	if (ctrd_container_delete(sv.conn, s->name, cleaned, s) < 0) {
		s->busy--;
		supervise_kick();
	}
}

static void clean_service(struct service *s, const struct task_copy *t)
{
	s->busy++;
	s->task_dirty = false;
	int rc = t ? ctrd_task_delete(sv.conn, s->name, dead_task_deleted, s)
		   : ctrd_container_delete(sv.conn, s->name, cleaned, s);
	if (rc < 0)
		s->busy--;
}

static bool believed_running(const struct service *s)
{
	return s->state == SVC_RUNNING || s->state == SVC_READY || s->state == SVC_STOPPING;
}

static void adopt(struct service *s, const struct task_copy *t)
{
	s->container_exists = true;
	if (believed_running(s) && s->pid == t->pid)
		return; /* containerd came back; the task never stopped */
	s->pid = t->pid;
	s->was_ready = s->started_once = true;
	s->start_ms = now_ms();
	service_become(s, SVC_READY, "pid %u (adopted)", t->pid);
	console_ok("Adopted %s (pid %u, still running)", s->name, t->pid);
}

static void reconcile_container(const char *id)
{
	const struct task_copy *t = task_of(id);
	struct service *s = service_find(id);
	if (!s || s->bad) {
		remove_stale(id, t);
		return;
	}
	if (alive(t)) {
		adopt(s, t);
		return;
	}
	uint32_t status = t && t->status == CTRD_TASK_STOPPED ? t->exit_status : 255;
	s->container_exists = true;
	clean_service(s, t);
	if (believed_running(s))
		supervise_task_lost(s, status);
}

static void got_containers(void *arg, const struct ctrd_result *res)
{
	(void)arg;
	if (res->grpc_status != CTRD_OK) {
		log_err("containerd: listing containers: %s; reconnecting", res->message);
		cd_reconnect();
		return;
	}
	bool *seen = calloc(sv.n_svcs + 1, sizeof *seen);
	for (size_t i = 0; i < res->n_containers; i++) {
		const char *id = res->containers[i].id;
		struct service *s = service_find(id);
		if (s && seen)
			seen[s - sv.svcs] = true;
		reconcile_container(id);
	}
	for (size_t i = 0; i < sv.n_svcs; i++) {
		struct service *s = &sv.svcs[i];
		if (seen && !seen[i]) {
			s->container_exists = false;
			if (believed_running(s))
				supervise_task_lost(s, 255);
		}
	}
	free(seen);
	free(tasks);
	tasks = NULL;
	n_tasks = 0;
	sv.cd = CD_UP;
	supervise_kick();
	supervise_shutdown_progress();
}

static void got_tasks(void *arg, const struct ctrd_result *res)
{
	(void)arg;
	if (res->grpc_status != CTRD_OK) {
		log_err("containerd: listing tasks: %s; reconnecting", res->message);
		cd_reconnect();
		return;
	}
	free(tasks);
	n_tasks = 0;
	tasks = calloc(res->n_tasks + 1, sizeof *tasks);
	if (!tasks) {
		log_err("containerd: no memory for %zu tasks; reconnecting", res->n_tasks);
		cd_reconnect();
		return;
	}
	for (size_t i = 0; i < res->n_tasks; i++) {
		struct task_copy *t = &tasks[n_tasks++];
		snprintf(t->id, sizeof t->id, "%s", res->tasks[i].id);
		t->pid = res->tasks[i].pid;
		t->status = res->tasks[i].status;
		t->exit_status = res->tasks[i].exit_status;
	}
	if (ctrd_container_list(sv.conn, got_containers, NULL) < 0) {
		log_err("containerd: listing containers: %m; reconnecting");
		cd_reconnect();
	}
}

static void subscription_ended(void *arg, const struct ctrd_result *res)
{
	(void)arg;
	if (sv.shutdown >= SD_CONTAINERD)
		return;
	log_warn("containerd closed the exit event stream (%s); reconnecting", res->message);
	cd_reconnect();
}

void reconcile_start(void)
{
	sv.cd = CD_RECONCILING;
	if (ctrd_subscribe_exits(sv.conn, supervise_on_exit, subscription_ended, NULL) < 0 ||
	    ctrd_task_list(sv.conn, got_tasks, NULL) < 0) {
		log_err("containerd: subscribing to exits: %m; reconnecting");
		cd_reconnect();
	}
}
