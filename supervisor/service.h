/* service: the service table. Every bundle under CONTAINERS/services, its
 * settings, and its lifecycle (lifecycle.h) driven by containerd's answers
 * and exits, timers, READY=1 and stelectl.
 *
 * Contract:
 *  - services_load() reads every bundle (bundleparse.h, in a child). One
 *    that cannot be used stays in the table, failed with its reason, so
 *    `stelectl status` shows it; the others are unaffected.
 *  - Services start once onboot is done and containerd is up, in parallel,
 *    at most 8 between start and running, a service after each of its
 *    depends_on has been ready once; the first time every service has run
 *    or settled, "stele: boot complete" is printed (not by a supervisor
 *    that replaced one that died).
 *  - containerd up: what containerd holds is taken over. A running task of
 *    a service is adopted (no restart); a dead one is deleted and, if it
 *    was believed running, handled as its exit; containers in the
 *    namespace that belong to no usable service are killed and deleted.
 *  - services_hold() (a power request): nothing new starts.
 *  - services_shutdown(): services stop in reverse dependency order, then
 *    their containers are deleted; then the services stopped event. With
 *    containerd away there is nothing to ask: the event comes at once.
 *  - services_read_output(): what each service's FIFO holds now goes to
 *    its log, one drain budget (the FIFO's size) each. After the shutdown
 *    deleted the tasks, their shims have copied all their output there,
 *    so onshutdown then finds every line in the files.
 * The table uses the connection only between the containerd up and lost
 * events. Its files: service.c (loading), supervise.c (the lifecycle's
 * actions, starting, the shutdown), reconcile.c (containerd up). */
#ifndef STELE_SERVICE_H
#define STELE_SERVICE_H

#include "supervisor/control.h"
#include "supervisor/events.h"
#include "supervisor/lifecycle.h"
#include "supervisor/logstore.h"
#include "supervisor/loop.h"
#include "supervisor/notify.h"
#include "supervisor/options.h"
#include "supervisor/restart.h"
#include "supervisor/spec.h"
#include "supervisor/svcconf.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct services;

struct service {
	struct services *table;
	char name[72];
	char dir[PATH_MAX];
	struct svcconf conf;
	char *spec; /* adjusted config.json, NUL-terminated */
	size_t spec_len;
	/* Its default shim group (spec_shim_group), which the spec names
	 * unless it names one of its own; the name it does name. Services
	 * share a shim by name only. */
	unsigned shim_group;
	char shim_group_name[SPEC_SHIM_GROUP_NAME_MAX];
	int *dep_index;
	bool prepared; /* bind sources and runtime hooks done: once, as onboot */
	/* May be created while onboot runs (early.h), else why not. */
	bool early;
	char late_why[240];
	bool parked; /* its task is created; it starts when onboot ends */
	/* The init pid of a leftover task reconcile deleted: containerd's exit
	 * event for it may come after the next start has begun (pid still 0),
	 * and is not that start's exit. */
	uint32_t deleted_pid;
	/* The pid Tasks.Create answered for this start (Tasks.Start answers
	 * the same): until pid is set, an exit of another pid is not its. */
	uint32_t created_pid;

	enum svc_state state;
	char detail[256]; /* the why of the state, for status */
	double state_since_ms;
	double start_ms;
	uint64_t run_log_from; /* ring offset where this run's output starts */
	uint32_t pid;
	uint32_t exit_status; /* of the exit being held or cleaned up */
	char how[300];	      /* how it ended: "exited 1", "could not ..." */
	unsigned restarts;
	struct restart_history history;
	struct timer timer; /* what it means: lifecycle_timer() */

	/* History, for dependents and boot complete. */
	bool was_ready;
	bool started_once;
	/* What containerd holds of it, apart from the lifecycle. */
	bool container_exists;
	bool shim_retried; /* this start's Tasks.Create was retried (supervise.c) */
	/* This start failed because containerd was late or still busy with an
	 * earlier call (supervise.c: containerd_was_busy), and how many such
	 * starts in a row were not counted against the restart policy. */
	bool containerd_busy;
	int busy_retries;
	/* This start's Tasks.Create found its task directory already there
	 * ("file exists"), and since when (boot ms, 0: not now) each such
	 * collision has found no task of it in containerd: a leftover that
	 * only a restart of containerd clears (supervise.c). */
	bool dir_collision;
	double leftover_since_ms;
	int busy; /* container deletes in flight (clean-up, shutdown) */

	struct logstore log;
	char fifo[PATH_MAX];
	int fifo_fd;
	struct watch fifo_watch;

	char notify_dir[PATH_MAX];
	struct notify notify;
};

enum table_shutdown { TABLE_UP, TABLE_STOPPING, TABLE_DELETING, TABLE_STOPPED };

struct services {
	const struct sv_options *opt;
	const struct sv_events *ev;
	struct service *svcs;
	size_t n;
	struct ctrd *conn; /* between containerd up and lost */
	double boot_start_ms;
	bool onboot_done;
	bool readopted; /* this supervisor replaced one that died */
	bool holding;	/* a power request is pending */
	bool boot_complete;
	bool no_containerd; /* its binary is missing: no service can start */
	enum table_shutdown shutdown;
	uint64_t shim_up;	/* default shim groups whose shim answers (shims.h) */
	uint64_t shim_starting; /* and those whose shim the supervisor starts */
};

/* Returns 0, or -1 when even the runtime directories cannot be made. */
/* The last line the service printed since its current run began (its
 * FIFO read first), in out; 0 when it printed nothing. */
size_t service_last_words(struct service *s, char *out, size_t len);

int services_load(struct services *t, const struct sv_options *opt, const struct sv_events *ev);
/* containerd is needed: there are services, and its binary is there (if
 * not, every service is failed with a line naming the fix). Without it,
 * boot completes once onboot is done. */
bool services_want_containerd(const struct services *t);

void services_onboot_done(struct services *t, bool earlier);
void services_containerd_up(struct services *t, struct ctrd *conn, const struct cd_snapshot *held);
void services_containerd_lost(struct services *t);
/* The default shim groups (spec_shim_group) of the services waiting
 * to start (not disabled, broken or adopted), a bit each. Groups whose shim the supervisor starts
 * (shims.h) create no task until it is done; then, if it is up, all their tasks at once. */
uint64_t services_shim_groups(const struct services *t);
void services_shim_groups_starting(struct services *t, uint64_t groups);
void services_shim_group_done(struct services *t, unsigned group, bool up);
void services_task_exit(struct services *t, const char *id, uint32_t pid, uint32_t exit_status);
void services_ready(struct services *t, const char *name, const char *how);
void services_hold(struct services *t);
void services_shutdown(struct services *t);
void services_read_output(struct services *t);

/* stelectl start|stop|restart NAME: 0 with the state it is in now in msg,
 * or -1 with the reason in msg. The change itself is asynchronous. */
int services_request(struct services *t, const char *verb, const char *name, char *msg, size_t len);
/* name NULL: every service's row; false when there is no service name. */
bool services_status(const struct services *t, const char *name, status_emit_fn *emit, void *arg);
struct logstore *services_log(struct services *t, const char *name);

#endif
