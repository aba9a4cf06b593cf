/* supervisor: the shared state of stele-supervisor and the entry points its
 * modules call on each other. One process, one epoll loop (loop.h), one
 * global `sv`; every module below only touches its own part of it.
 *
 *   main.c        options, signals, the loop, the shutdown bound
 *   service.c     loading /containers/services/NAME bundles
 *   supervise.c   the service state machine: start, exits, restarts,
 *                 readiness, dependencies, boot complete, ordered stop
 *   reconcile.c   rebuilding the view from containerd after a (re)connect
 *   cdproc.c      the containerd process: config, spawn, probe, restart
 *   notify.c      sd_notify sockets
 *   control.c     the control socket (protocol in README.md)
 *   phases.c      running onboot/onshutdown, power requests to PID 1 */
#ifndef STELE_SUPERVISOR_H
#define STELE_SUPERVISOR_H

#include "containerd/ctrd.h"
#include "supervisor/logstore.h"
#include "supervisor/loop.h"
#include "supervisor/restart.h"
#include "supervisor/svcconf.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct sv_options {
	const char *containers;	      /* /containers */
	const char *run_dir;	      /* /run/stele */
	const char *log_dir;	      /* /var/log */
	const char *containerd_bin;   /* /usr/bin/containerd */
	const char *containerd_state; /* /run/containerd */
	const char *containerd_root;  /* NULL: by the state volume's status */
	const char *state_mountpoint; /* /var/lib */
	const char *onboot_bin;	      /* /sbin/stele-onboot */
	const char *config_dir;	      /* /run/config: userdata's services lists */
	const char *ns;		      /* containerd namespace, "stele" */
	bool no_onboot;
	bool log_dir_given;	  /* --log-dir: used as is, never bound to the volume */
	int containerd_timeout_s; /* for containerd to answer */
	int shutdown_timeout_s;	  /* global bound of the shutdown */
	off_t log_max_size;
};

enum svc_state {
	SVC_WAITING, /* for onboot, containerd or its dependencies */
	SVC_STARTING,
	SVC_RUNNING, /* notify services: not ready yet */
	SVC_READY,
	SVC_STOPPING,
	SVC_EXITED, /* and not restarted, by its policy */
	SVC_BACKOFF,
	SVC_FAILED,
	SVC_STOPPED,
};

struct service {
	char name[72];
	char dir[PATH_MAX];
	struct svcconf conf;
	char *spec; /* adjusted config.json, NUL-terminated */
	size_t spec_len;
	int *dep_index;
	bool bad;      /* unusable bundle or dependencies: never started */
	bool prepared; /* bind sources and runtime hooks done: once, as onboot */

	enum svc_state state;
	char detail[512]; /* the why of the state, for status */
	double state_since_ms;
	double start_ms;
	uint32_t pid;
	bool was_ready;	   /* ready at least once: dependents may start */
	bool started_once; /* for boot complete */
	bool container_exists;
	int busy;	   /* containerd calls in flight that block a start */
	bool exit_pending; /* exited while its start was in flight */
	bool exit_while_stopping;
	bool cleaning; /* its exit is being handled (task delete in flight) */
	uint32_t pending_status;
	bool admin_down; /* stelectl stop: no restarts */
	bool restart_requested;
	bool stop_after_start;
	bool task_dirty; /* a task may be left by a failed start */
	unsigned restarts;
	struct restart_history history;
	struct timer timer; /* backoff, readiness deadline, grace */

	struct logstore log;
	uint64_t run_log_from; /* ring offset where this run's output starts */
	char fifo[PATH_MAX];
	int fifo_fd;
	struct watch fifo_watch;

	char notify_dir[PATH_MAX];
	int notify_fd;
	struct watch notify_watch;
};

enum cd_state { CD_DOWN, CD_CONNECTING, CD_RECONCILING, CD_UP, CD_STOPPING };
enum shutdown_phase { SD_NONE, SD_SERVICES, SD_CONTAINERS, SD_CONTAINERD, SD_ONSHUTDOWN };
enum power_action { POWER_NONE, POWER_POWEROFF, POWER_REBOOT, POWER_HALT };

struct sv {
	struct sv_options opt;
	struct service *svcs;
	size_t n_svcs;
	double boot_start_ms;
	bool onboot_done;
	bool boot_complete;
	bool readopted; /* this supervisor replaced one that died */

	/* containerd */
	enum cd_state cd;
	pid_t cd_pid;
	int cd_status; /* wait status, when reaped by the SIGCHLD handler */
	bool cd_reaped;
	int cd_pidfd;
	struct watch cd_pid_watch;
	struct ctrd *conn;
	struct watch conn_watch;
	struct timer cd_timer;
	double cd_start_ms;
	int cd_failures;
	struct logstore cd_log;
	int cd_log_fd;
	struct watch cd_log_watch;
	char sock[PATH_MAX];

	/* onboot / onshutdown */
	pid_t phase_pid;
	int phase_fd;
	struct watch phase_watch;
	struct logstore onboot_log;

	enum shutdown_phase shutdown;
	enum power_action power;
	struct timer shutdown_timer;
};

extern struct sv sv;

double now_ms(void);
const char *svc_state_name(enum svc_state s);
/* A line on the console (stdout), or in the kernel log once a getty has
 * taken the console; "[  OK  ] ..." / "[FAILED] ..." lines. */
void console_line(const char *line);
void console_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_failed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
struct service *service_find(const char *name);

/* service.c */
int services_load(void);
/* The last line the service printed in its latest run, or "" (its FIFO is
 * read first: an exit can be reported before its output is read). Returns
 * the line's length. */
size_t service_last_words(struct service *s, char *out, size_t len);

/* supervise.c */
void supervise_kick(void); /* start what may start; check boot complete */
void supervise_timer(struct timer *t);
void supervise_on_exit(void *arg, const char *id, uint32_t pid, uint32_t exit_status);
void supervise_set_ready(struct service *s, const char *how);
void supervise_containerd_lost(void);
void supervise_task_lost(struct service *s, uint32_t status); /* gone while containerd was away */
int supervise_start(struct service *s);			      /* stelectl start */
int supervise_stop(struct service *s);			      /* stelectl stop */
int supervise_restart(struct service *s);		      /* stelectl restart */
void supervise_shutdown_progress(void);
void service_become(struct service *s, enum svc_state st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* reconcile.c */
void reconcile_start(void);
void reconcile_stale_exited(const char *id);

/* cdproc.c */
int cd_init(void);
void cd_start(void);
void cd_stop(void);
/* Drop the connection (after the current callback) and connect again. */
void cd_reconnect(void);
void cd_before_wait(int *timeout_ms);
void cd_after_wait(void);

/* notify.c */
int notify_open(struct service *s);

/* control.c */
int control_open(void);
void control_close(void);
void control_log_appended(struct logstore *l);

/* phases.c */
int phase_run(const char *which);
void phases_child_exited(pid_t pid, int status);
/* Marker for a supervisor that replaces this one: onboot is not run twice. */
void phases_mark_onboot_done(void);
void power_request(enum power_action action);
void shutdown_begin(const char *why);
void shutdown_after_containerd(void);
void shutdown_finish(void);

#endif
