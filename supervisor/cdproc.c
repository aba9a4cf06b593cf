/* cdproc: the containerd process and the connection (header). */
#include "supervisor/cdproc.h"

#include "lib/clock.h"
#include "lib/log.h"
#include "lib/spawn.h"
#include "lib/state_status.h"
#include "lib/timeline.h"
#include "supervisor/console.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROBE_INTERVAL_MS 50
#define STOP_GRACE_MS	  10000
#define BACKOFF_MAX_MS	  30000
/* A restart that clears a leftover (cdproc_restart) cuts every call in
 * flight; whatever keeps asking for one gets it this rarely. */
#define RESTART_MIN_INTERVAL_MS (5 * 60 * 1000)

static void signal_containerd(struct cdproc *cd, int sig)
{
	if (cd->pid > 0 && kill(cd->pid, sig) < 0 && errno != ESRCH)
		log_err("containerd (pid %d): kill %s: %s", (int)cd->pid, strsignal(sig),
			strerror(errno));
}

static void pid_path(const struct cdproc *cd, char *buf, size_t len)
{
	snprintf(buf, len, "%s/containerd.pid", cd->opt->run_dir);
}

/* The table lets go of the connection (containerd lost) before it is
 * freed; the calls still pending end with CTRD_CANCELLED meanwhile, and
 * this module's own callbacks see conn NULL and ignore them. */
static void close_conn(struct cdproc *cd)
{
	struct ctrd *c = cd->conn;
	if (!c)
		return;
	bool handed = cd->handed;
	cd->handed = false;
	cd->conn = NULL;
	cd->close_pending = false;
	free(cd->tasks);
	cd->tasks = NULL;
	cd->n_tasks = 0;
	if (handed)
		cd->ev->containerd_lost();
	loop_del(&cd->conn_watch);
	ctrd_close(c);
}

static void reconnect(struct cdproc *cd, const char *why)
{
	log_warn("containerd connection lost (%s)", why);
	close_conn(cd);
	if (cd->pid > 0 && !cd->stopping && !cd->restarting) {
		cd->state = CD_CONNECTING;
		cd->start_ms = boottime_ms();
		timer_arm(&cd->timer, PROBE_INTERVAL_MS);
	}
}

static void conn_ready(struct watch *w, uint32_t events)
{
	struct cdproc *cd = w->data;
	if (cd->conn && ctrd_process(cd->conn, events) < 0)
		reconnect(cd, ctrd_error(cd->conn));
}

/* --- once it answers: exits, then what it holds --- */

static void task_exited(void *arg, const char *id, uint32_t pid, uint32_t exit_status)
{
	struct cdproc *cd = arg;
	cd->ev->task_exit(id, pid, exit_status);
}

static void subscription_ended(void *arg, const struct ctrd_result *res)
{
	struct cdproc *cd = arg;
	if (!cd->conn || cd->stopping)
		return;
	log_warn("containerd closed the exit event stream (%s); reconnecting", res->message);
	cd->close_pending = true;
}

static void got_containers(void *arg, const struct ctrd_result *res)
{
	struct cdproc *cd = arg;
	if (!cd->conn || cd->stopping)
		return;
	const char **ids = calloc(res->n_containers + 1, sizeof *ids);
	if (res->grpc_status != CTRD_OK || !ids) {
		log_err("containerd: listing containers: %s; reconnecting",
			ids ? res->message : "no memory");
		free(ids);
		cd->close_pending = true;
		return;
	}
	for (size_t i = 0; i < res->n_containers; i++)
		ids[i] = res->containers[i].id;
	struct cd_snapshot held = {.tasks = cd->tasks,
				   .n_tasks = cd->n_tasks,
				   .containers = ids,
				   .n_containers = res->n_containers};
	cd->state = CD_UP;
	cd->handed = true;
	cd->ev->containerd_up(cd->conn, &held);
	free(ids);
	free(cd->tasks);
	cd->tasks = NULL;
	cd->n_tasks = 0;
}

static void got_tasks(void *arg, const struct ctrd_result *res)
{
	struct cdproc *cd = arg;
	if (!cd->conn || cd->stopping)
		return;
	if (res->grpc_status != CTRD_OK) {
		log_err("containerd: listing tasks: %s; reconnecting", res->message);
		cd->close_pending = true;
		return;
	}
	free(cd->tasks);
	cd->n_tasks = 0;
	cd->tasks = calloc(res->n_tasks + 1, sizeof *cd->tasks);
	if (!cd->tasks) {
		log_err("containerd: no memory for %zu tasks; reconnecting", res->n_tasks);
		cd->close_pending = true;
		return;
	}
	for (size_t i = 0; i < res->n_tasks; i++) {
		struct cd_task *t = &cd->tasks[cd->n_tasks++];
		snprintf(t->id, sizeof t->id, "%s", res->tasks[i].id);
		t->pid = res->tasks[i].pid;
		t->status = res->tasks[i].status;
		t->exit_status = res->tasks[i].exit_status;
	}
	if (ctrd_container_list(cd->conn, got_containers, cd) < 0) {
		log_err("containerd: listing containers: %m; reconnecting");
		cd->close_pending = true;
	}
}

/* Exits first, so that no exit falls between the list and the start of
 * the subscription. */
static void take_stock(struct cdproc *cd)
{
	cd->state = CD_RECONCILING;
	if (ctrd_subscribe_exits(cd->conn, task_exited, subscription_ended, cd) < 0 ||
	    ctrd_task_list(cd->conn, got_tasks, cd) < 0) {
		log_err("containerd: subscribing to exits: %m; reconnecting");
		cd->close_pending = true;
	}
}

static void version_done(void *arg, const struct ctrd_result *res)
{
	struct cdproc *cd = arg;
	if (!cd->conn || cd->stopping)
		return;
	if (res->grpc_status != CTRD_OK) {
		log_debug("containerd not ready yet: %s", res->message);
		cd->close_pending = true;
		return;
	}
	if (timeline_mark("supervisor", "phase", "containerd", "end") < 0)
		log_debug("timeline: containerd: %m");
	console_ok("Started containerd %s (%.0f ms)", res->version, boottime_ms() - cd->start_ms);
	cd->failures = 0;
	take_stock(cd);
}

static void try_connect(struct cdproc *cd)
{
	if (boottime_ms() - cd->start_ms > cd->opt->containerd_timeout_s * 1000.0) {
		console_failed("containerd did not answer on %s within %d s, killing it", cd->sock,
			       cd->opt->containerd_timeout_s);
		if (cd->pid > 0)
			signal_containerd(cd, SIGKILL);
		return;
	}
	cd->conn = ctrd_connect(cd->sock, cd->opt->ns);
	if (!cd->conn ||
	    loop_add(&cd->conn_watch, ctrd_fd(cd->conn), EPOLLIN, conn_ready, cd) < 0 ||
	    ctrd_version(cd->conn, version_done, cd) < 0) {
		close_conn(cd);
		timer_arm(&cd->timer, PROBE_INTERVAL_MS);
	}
}

/* --- the process --- */

static void containerd_died(struct watch *w, uint32_t events)
{
	(void)events;
	struct cdproc *cd = w->data;
	int status = 0;
	char how[64] = "exited";
	if (cd->reaped)
		describe_status(cd->status, how, sizeof how);
	else if (waitpid(cd->pid, &status, WNOHANG) == cd->pid)
		describe_status(status, how, sizeof how);
	cd->reaped = false;
	loop_del(w);
	close(cd->pidfd);
	cd->pidfd = -1;
	cd->pid = 0;
	char path[PATH_MAX];
	pid_path(cd, path, sizeof path);
	if (unlink(path) < 0 && errno != ENOENT)
		log_warn("%s: %s", path, strerror(errno));
	timer_disarm(&cd->timer);
	cd->state = CD_DOWN;
	if (cd->stopping) {
		console_ok("Stopped containerd (%s)", how);
		close_conn(cd);
		cd->ev->containerd_stopped();
		return;
	}
	if (cd->restarting) {
		cd->restarting = false;
		log_debug("containerd %s as asked; starting it again", how);
		close_conn(cd);
		if (!cd->stopping)
			timer_arm(&cd->timer, 1);
		return;
	}
	int delay = 1000;
	for (int i = 0; i < cd->failures && delay < BACKOFF_MAX_MS; i++)
		delay *= 2;
	delay = delay > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : delay;
	cd->failures++;
	console_failed("containerd %s, restarting in %d s", how, delay / 1000);
	close_conn(cd);
	if (!cd->stopping) /* the containerd lost event may have led to a stop */
		timer_arm(&cd->timer, delay);
}

static int watch_pid(struct cdproc *cd, pid_t pid)
{
	cd->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (cd->pidfd < 0)
		return -1;
	/* pidfds are always close-on-exec. */
	cd->pid = pid;
	cd->reaped = false;
	return loop_add(&cd->pid_watch, cd->pidfd, EPOLLIN, containerd_died, cd);
}

static const char *containerd_root(const struct cdproc *cd)
{
	static char root[PATH_MAX];
	const struct sv_options *o = cd->opt;
	if (o->containerd_root)
		return o->containerd_root;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/state-status", o->run_dir);
	if (state_status_read(path, NULL, 0) == STATE_STATUS_MOUNTED)
		snprintf(root, sizeof root, "%s/containerd", o->state_mountpoint);
	else
		snprintf(root, sizeof root, "%s/root", o->containerd_state);
	return root;
}

static int mkdir_p(const char *dir)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0711) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0711) < 0 && errno != EEXIST ? -1 : 0;
}

static void drain_log(struct watch *w, uint32_t events)
{
	(void)events;
	struct cdproc *cd = w->data;
	if (logstore_drain(&cd->log, w->fd) < 0 && errno)
		log_warn("containerd log: %s", strerror(errno));
}

static pid_t spawn_containerd(const struct cdproc *cd, const char *config, const char *fifo)
{
	int in = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int out = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	pid_t pid = -1;
	if (in >= 0 && out >= 0) {
		/* containerd writes its log blocking; O_NONBLOCK was for open only. */
		if (fcntl(out, F_SETFL, 0) < 0)
			log_warn("containerd log FIFO: blocking mode: %s", strerror(errno));
		char *argv[] = {(char *)cd->opt->containerd_bin, "--config", (char *)config, NULL};
		struct spawn_opts so = SPAWN_OPTS_DEFAULT;
		so.stdin_fd = in;
		so.stdout_fd = out;
		so.stderr_fd = out;
		so.new_session = true;
		/* Not the supervisor's -900 for what containerd runs before it
		 * sets its own (-999, its config's oom_score). Services get 0
		 * from their spec (spec.h: SPEC_OOM_SCORE_ADJ), not the
		 * shim's -998. */
		so.oom_score_adj = "0";
		pid = spawn(argv[0], argv, &so);
	}
	int saved = errno;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	errno = saved;
	return pid;
}

static void start(struct cdproc *cd)
{
	if (cd->stopping)
		return;
	const struct sv_options *o = cd->opt;
	char config[PATH_MAX], fifo[PATH_MAX], pidfile[PATH_MAX];
	snprintf(config, sizeof config, "%s/containerd.toml", o->run_dir);
	snprintf(fifo, sizeof fifo, "%s/fifo/.containerd", o->run_dir);
	pid_path(cd, pidfile, sizeof pidfile);
	const char *root = containerd_root(cd);
	struct ctrd_config cfg = {
	    .root = root, .state = o->containerd_state, .sock = cd->sock, .log_level = "warn"};
	const char *step = "mkdir";
	if (mkdir_p(o->containerd_state) < 0 || mkdir_p(root) < 0 ||
	    (step = "config", ctrd_config_write(config, &cfg) < 0))
		goto fail;
	/* A socket left by a killed containerd refuses connections. */
	if (unlink(cd->sock) < 0 && errno != ENOENT)
		log_warn("%s: %s", cd->sock, strerror(errno));
	cd->start_ms = boottime_ms();
	if (timeline_mark("supervisor", "phase", "containerd", "start") < 0)
		log_debug("timeline: containerd: %m");
	step = "spawn";
	pid_t pid = spawn_containerd(cd, config, fifo);
	if (pid < 0 || watch_pid(cd, pid) < 0)
		goto fail;
	FILE *f = fopen(pidfile, "we");
	if (f) {
		fprintf(f, "%d\n", pid);
		fclose(f);
	}
	cd->state = CD_CONNECTING;
	timer_arm(&cd->timer, PROBE_INTERVAL_MS);
	return;
fail:
	console_failed("containerd: %s (%s, root %s): %s; retrying in 5 s", step, o->containerd_bin,
		       root, strerror(errno));
	cd->state = CD_DOWN;
	timer_arm(&cd->timer, 5000);
}

static void timer_fired(struct timer *t)
{
	struct cdproc *cd = t->data;
	switch (cd->state) {
	case CD_DOWN:
		start(cd);
		break;
	case CD_CONNECTING:
		try_connect(cd);
		break;
	case CD_STOPPING:
		console_failed("containerd did not stop within %d s, sending SIGKILL",
			       STOP_GRACE_MS / 1000);
		signal_containerd(cd, SIGKILL);
		break;
	default:
		break;
	}
}

/* A containerd from before a supervisor restart: pid file, live process,
 * and named containerd (not a recycled pid). */
static pid_t running_containerd(const struct cdproc *cd)
{
	char path[PATH_MAX], comm[64] = "";
	pid_path(cd, path, sizeof path);
	FILE *f = fopen(path, "re");
	int pid = 0;
	if (!f)
		return 0;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid <= 1)
		return 0;
	snprintf(path, sizeof path, "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(comm, sizeof comm, f))
		comm[0] = '\0';
	fclose(f);
	return strncmp(comm, "containerd\n", 11) == 0 ? pid : 0;
}

int cdproc_init(struct cdproc *cd, const struct sv_options *opt, const struct sv_events *ev,
		bool wanted)
{
	*cd = (struct cdproc){.opt = opt, .ev = ev, .pidfd = -1, .log_fd = -1};
	snprintf(cd->sock, sizeof cd->sock, "%s/containerd.sock", opt->containerd_state);
	char fifo[PATH_MAX];
	snprintf(fifo, sizeof fifo, "%s/fifo/.containerd", opt->run_dir);
	if (logstore_init(&cd->log, "containerd", opt->log_dir, opt->log_max_size) < 0 ||
	    timer_init(&cd->timer, timer_fired, cd) < 0 ||
	    (mkfifo(fifo, 0600) < 0 && errno != EEXIST) ||
	    (cd->log_fd = open(fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0 ||
	    loop_add(&cd->log_watch, cd->log_fd, EPOLLIN, drain_log, cd) < 0) {
		log_err("containerd: setting up its log %s: %m", fifo);
		return -1;
	}
	if (!wanted) {
		cd->state = CD_UNUSED;
		log_info("containerd is not started: no service can use it");
		return 0;
	}
	pid_t pid = running_containerd(cd);
	if (pid > 0 && watch_pid(cd, pid) == 0) {
		log_info("adopting containerd (pid %d) left by the previous supervisor", pid);
		cd->state = CD_CONNECTING;
		cd->start_ms = boottime_ms();
		timer_arm(&cd->timer, 0);
		return 0;
	}
	start(cd);
	return 0;
}

bool cdproc_reaped(struct cdproc *cd, pid_t pid, int status)
{
	if (pid <= 0 || pid != cd->pid)
		return false;
	/* Its pidfd reports the death; keep the status for it. */
	cd->status = status;
	cd->reaped = true;
	return true;
}

void cdproc_stop(struct cdproc *cd)
{
	if (cd->stopping)
		return;
	cd->stopping = true;
	/* Perhaps from inside one of the connection's callbacks: closed before
	 * the next wait. */
	cd->close_pending = cd->conn != NULL;
	if (cd->pid <= 0) {
		if (cd->state != CD_UNUSED)
			cd->state = CD_DOWN;
		timer_disarm(&cd->timer);
		cd->ev->containerd_stopped();
		return;
	}
	cd->state = CD_STOPPING;
	signal_containerd(cd, SIGTERM);
	timer_arm(&cd->timer, STOP_GRACE_MS);
}

bool cdproc_restart(struct cdproc *cd, const char *why)
{
	double now = boottime_ms();
	if (cd->stopping || cd->restarting || cd->state != CD_UP || cd->pid <= 0 ||
	    (cd->restart_ms > 0 && now - cd->restart_ms < RESTART_MIN_INTERVAL_MS))
		return false;
	log_debug("restarting containerd: %s", why);
	cd->restart_ms = now;
	cd->restarting = true;
	/* Perhaps from inside one of the connection's callbacks: closed before
	 * the next wait, which ends the calls in flight (containerd lost). */
	cd->close_pending = cd->conn != NULL;
	cd->state = CD_STOPPING;
	signal_containerd(cd, SIGTERM);
	timer_arm(&cd->timer, STOP_GRACE_MS);
	return true;
}

void cdproc_kill(struct cdproc *cd)
{
	signal_containerd(cd, SIGKILL);
}

void cdproc_before_wait(struct cdproc *cd, int *timeout_ms)
{
	if (cd->close_pending && (cd->stopping || cd->restarting))
		close_conn(cd);
	else if (cd->close_pending)
		reconnect(cd, "reconnecting");
	if (!cd->conn)
		return;
	uint32_t want = EPOLLIN | (ctrd_wants_write(cd->conn) ? EPOLLOUT : 0);
	if (loop_mod(&cd->conn_watch, want) < 0)
		log_warn("containerd connection: epoll: %m");
	int next = ctrd_next_timeout_ms(cd->conn);
	if (next >= 0 && (*timeout_ms < 0 || next < *timeout_ms))
		*timeout_ms = next;
}

void cdproc_after_wait(struct cdproc *cd)
{
	if (cd->conn && ctrd_next_timeout_ms(cd->conn) == 0 && ctrd_process(cd->conn, 0) < 0)
		reconnect(cd, ctrd_error(cd->conn));
}

struct logstore *cdproc_log(struct cdproc *cd)
{
	return &cd->log;
}

void cdproc_status(const struct cdproc *cd, struct status_row *row)
{
	static const char *const names[] = {
	    [CD_DOWN] = "down", [CD_CONNECTING] = "starting", [CD_RECONCILING] = "starting",
	    [CD_UP] = "up",	[CD_STOPPING] = "stopping",   [CD_UNUSED] = "unused"};
	*row = (struct status_row){
	    .kind = "system",
	    .name = "containerd",
	    .state = names[cd->state],
	    .pid = cd->pid,
	    .since_ms = cd->state == CD_UNUSED ? -1 : cd->start_ms,
	    .restarts = (unsigned)cd->failures,
	    .detail = cd->state == CD_UNUSED ? "not started: no service can use it" : cd->sock};
}
