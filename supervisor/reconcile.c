/* reconcile: the containerd up event. What containerd holds replaces what
 * the table believed, so that neither a restart of containerd nor one of
 * the supervisor restarts a running service. For each container:
 *   a service's running task: adopt it (keep its pid, no restart);
 *   a service's dead or half-made task: delete task and container, and if
 *     it was believed running, that is its exit;
 *   anything else in our namespace: kill, delete (a stale leftover).
 * A service believed running that containerd no longer knows exited. */
#include "supervisor/supervise.h"

#include "lib/log.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct cd_task *task_of(const struct cd_snapshot *held, const char *id)
{
	for (size_t i = 0; i < held->n_tasks; i++)
		if (strcmp(held->tasks[i].id, id) == 0)
			return &held->tasks[i];
	return NULL;
}

static bool alive(const struct cd_task *t)
{
	return t && (t->status == CTRD_TASK_RUNNING || t->status == CTRD_TASK_PAUSED ||
		     t->status == CTRD_TASK_PAUSING);
}

/* --- stale containers: a heap copy of the id rides along the chain --- */

struct stale {
	struct services *table;
	char id[];
};

static void stale_container_deleted(void *arg, const struct ctrd_result *res)
{
	struct stale *st = arg;
	if (res->grpc_status != CTRD_OK && res->grpc_status != CTRD_NOT_FOUND)
		log_warn("stale container %s: delete: %s", st->id, res->message);
	free(st);
}

static void stale_task_deleted(void *arg, const struct ctrd_result *res)
{
	(void)res;
	struct stale *st = arg;
	struct ctrd *conn = st->table->conn;
	if (!conn || ctrd_container_delete(conn, st->id, stale_container_deleted, st) < 0)
		free(st);
}

static struct stale *stale_new(struct services *t, const char *id)
{
	size_t len = strlen(id) + 1;
	struct stale *st = malloc(sizeof *st + len);
	if (st) {
		st->table = t;
		memcpy(st->id, id, len);
	}
	return st;
}

void reconcile_stale_exited(struct services *t, const char *id)
{
	struct stale *st = t->conn ? stale_new(t, id) : NULL;
	if (st && ctrd_task_delete(t->conn, id, stale_task_deleted, st) == 0)
		return;
	free(st);
}

static void remove_stale(struct services *t, const char *id, const struct cd_task *task)
{
	log_info("removing stale container %s (%s)", id,
		 task ? ctrd_task_status_name(task->status) : "no task");
	if (alive(task)) {
		/* Its exit event finishes the job (reconcile_stale_exited). */
		if (ctrd_task_kill(t->conn, id, SIGKILL, true, NULL, NULL) < 0)
			log_warn("stale container %s: kill: %m", id);
		return;
	}
	struct stale *st = stale_new(t, id);
	if (!st)
		return;
	int rc = task ? ctrd_task_delete(t->conn, id, stale_task_deleted, st)
		      : ctrd_container_delete(t->conn, id, stale_container_deleted, st);
	if (rc < 0)
		free(st);
}

/* --- a service's own container that holds no live task --- */

static void cleaned(void *arg, const struct ctrd_result *res)
{
	struct service *s = arg;
	if (res->grpc_status != CTRD_OK && res->grpc_status != CTRD_NOT_FOUND)
		log_warn("%s: deleting its old container: %s", s->name, res->message);
	s->busy--;
	s->container_exists = false;
	supervise_settle(s->table);
}

static void dead_task_deleted(void *arg, const struct ctrd_result *res)
{
	struct service *s = arg;
	(void)res;
	struct ctrd *conn = s->table->conn;
	if (!conn || ctrd_container_delete(conn, s->name, cleaned, s) < 0) {
		s->busy--;
		supervise_settle(s->table);
	}
}

static void clean_service(struct service *s, const struct cd_task *task)
{
	struct ctrd *conn = s->table->conn;
	s->deleted_pid = task ? task->pid : 0;
	s->busy++;
	int rc = task ? ctrd_task_delete(conn, s->name, dead_task_deleted, s)
		      : ctrd_container_delete(conn, s->name, cleaned, s);
	if (rc < 0)
		s->busy--;
}

static void reconcile_container(struct services *t, const struct cd_snapshot *held, const char *id)
{
	const struct cd_task *task = task_of(held, id);
	struct service *s = service_find(t, id);
	if (!s || s->state == SVC_BROKEN) {
		remove_stale(t, id, task);
		return;
	}
	s->container_exists = true;
	if (alive(task)) {
		bool believed = lifecycle_task_alive(s->state);
		if (believed && s->pid == task->pid)
			return; /* containerd came back; the task never stopped */
		if (believed)
			s->pid = task->pid;
		supervise_feed(s, &(struct svc_input){.event = EV_ADOPT, .pid = task->pid});
		return;
	}
	uint32_t status = task && task->status == CTRD_TASK_STOPPED ? task->exit_status : 255;
	clean_service(s, task);
	if (lifecycle_task_alive(s->state))
		supervise_exit(s, 0, status);
}

void services_containerd_up(struct services *t, struct ctrd *conn, const struct cd_snapshot *held)
{
	t->conn = conn;
	bool *seen = calloc(t->n + 1, sizeof *seen);
	for (size_t i = 0; i < held->n_containers; i++) {
		const char *id = held->containers[i];
		struct service *s = service_find(t, id);
		if (s && seen)
			seen[s - t->svcs] = true;
		reconcile_container(t, held, id);
	}
	for (size_t i = 0; i < t->n && seen; i++) {
		struct service *s = &t->svcs[i];
		if (seen[i])
			continue;
		s->container_exists = false;
		if (lifecycle_task_alive(s->state))
			supervise_exit(s, 0, 255);
	}
	free(seen);
	supervise_settle(t);
}
