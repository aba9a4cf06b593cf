/* cdproc: the containerd process. Started at once with a generated config,
 * probed until its API answers (bounded), restarted with backoff when it
 * dies, stopped last at shutdown. A containerd left by a supervisor that
 * died is adopted through its pid file instead of started twice.
 *
 * Its stdout/stderr go to a FIFO that the supervisor reads into the
 * "containerd" log. containerd also gets the FIFO's read end as its stdin:
 * while the supervisor is away (restarting) the pipe then still has a
 * reader, and Go's runtime does not kill containerd with SIGPIPE. */
#include "lib/log.h"
#include "lib/spawn.h"
#include "lib/state_status.h"
#include "supervisor/supervisor.h"
#include "lib/timeline.h"

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

static bool close_pending;

static void signal_containerd(int sig)
{
	if (sv.cd_pid > 0 && kill(sv.cd_pid, sig) < 0 && errno != ESRCH)
		log_err("containerd (pid %d): kill %s: %s", (int)sv.cd_pid, strsignal(sig),
			strerror(errno));
}

static void pid_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/containerd.pid", sv.opt.run_dir);
}

static void close_conn(void)
{
	if (!sv.conn)
		return;
	loop_del(&sv.conn_watch);
	ctrd_close(sv.conn);
	sv.conn = NULL;
	close_pending = false;
}

void cd_reconnect(void)
{
	close_pending = true;
}

static void connection_lost(const char *why)
{
	log_warn("containerd connection lost (%s)", why);
	close_conn();
	supervise_containerd_lost();
	if (sv.cd_pid > 0 && sv.cd != CD_STOPPING) {
		sv.cd = CD_CONNECTING;
		sv.cd_start_ms = now_ms();
		timer_arm(&sv.cd_timer, PROBE_INTERVAL_MS);
	}
	supervise_shutdown_progress();
}

static void conn_ready(struct watch *w, uint32_t events)
{
	(void)w;
	if (sv.conn && ctrd_process(sv.conn, events) < 0)
		connection_lost(ctrd_error(sv.conn));
}

static void version_done(void *arg, const struct ctrd_result *res)
{
	(void)arg;
	if (res->grpc_status != CTRD_OK) {
		log_debug("containerd not ready yet: %s", res->message);
		cd_reconnect();
		return;
	}
	if (timeline_mark("supervisor", "phase", "containerd", "end") < 0)
		log_debug("timeline: containerd: %m");
	console_ok("Started containerd %s (%.0f ms)", res->version, now_ms() - sv.cd_start_ms);
	sv.cd_failures = 0;
	reconcile_start();
}

static void try_connect(void)
{
	if (now_ms() - sv.cd_start_ms > sv.opt.containerd_timeout_s * 1000.0) {
		console_failed("containerd did not answer on %s within %d s, killing it", sv.sock,
			       sv.opt.containerd_timeout_s);
		if (sv.cd_pid > 0)
			signal_containerd(SIGKILL);
		return;
	}
	sv.conn = ctrd_connect(sv.sock, sv.opt.ns);
	if (!sv.conn || loop_add(&sv.conn_watch, ctrd_fd(sv.conn), EPOLLIN, conn_ready, NULL) < 0 ||
	    ctrd_version(sv.conn, version_done, NULL) < 0) {
		if (sv.conn)
			close_conn();
		timer_arm(&sv.cd_timer, PROBE_INTERVAL_MS);
	}
}

static void containerd_died(struct watch *w, uint32_t events)
{
	(void)events;
	int status = 0;
	char how[64] = "exited";
	if (sv.cd_reaped)
		describe_status(sv.cd_status, how, sizeof how);
	else if (waitpid(sv.cd_pid, &status, WNOHANG) == sv.cd_pid)
		describe_status(status, how, sizeof how);
	sv.cd_reaped = false;
	loop_del(w);
	close(sv.cd_pidfd);
	sv.cd_pidfd = -1;
	sv.cd_pid = 0;
	char path[PATH_MAX];
	pid_path(path, sizeof path);
	if (unlink(path) < 0 && errno != ENOENT)
		log_warn("%s: %s", path, strerror(errno));
	close_conn();
	timer_disarm(&sv.cd_timer);
	if (sv.shutdown >= SD_CONTAINERD) {
		console_ok("Stopped containerd (%s)", how);
		sv.cd = CD_DOWN;
		shutdown_after_containerd();
		return;
	}
	sv.cd = CD_DOWN;
	supervise_containerd_lost();
	int delay = 1000;
	for (int i = 0; i < sv.cd_failures && delay < BACKOFF_MAX_MS; i++)
		delay *= 2;
	delay = delay > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : delay;
	sv.cd_failures++;
	console_failed("containerd %s, restarting in %d s", how, delay / 1000);
	timer_arm(&sv.cd_timer, delay);
	supervise_shutdown_progress();
}

static int watch_pid(pid_t pid)
{
	sv.cd_pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (sv.cd_pidfd < 0)
		return -1;
	/* pidfds are always close-on-exec. */
	sv.cd_pid = pid;
	sv.cd_reaped = false;
	return loop_add(&sv.cd_pid_watch, sv.cd_pidfd, EPOLLIN, containerd_died, NULL);
}

static const char *containerd_root(void)
{
	static char root[PATH_MAX];
	if (sv.opt.containerd_root)
		return sv.opt.containerd_root;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/state-status", sv.opt.run_dir);
	if (state_status_read(path, NULL, 0) == STATE_STATUS_MOUNTED)
		snprintf(root, sizeof root, "%s/containerd", sv.opt.state_mountpoint);
	else
		snprintf(root, sizeof root, "%s/root", sv.opt.containerd_state);
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
	uint64_t before = sv.cd_log.ring.end;
	if (logstore_drain(&sv.cd_log, w->fd) < 0 && errno)
		log_warn("containerd log: %s", strerror(errno));
	if (sv.cd_log.ring.end != before)
		control_log_appended(&sv.cd_log);
}

static pid_t spawn_containerd(const char *config, const char *fifo)
{
	int in = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int out = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	pid_t pid = -1;
	if (in >= 0 && out >= 0) {
		/* containerd writes its log blocking; O_NONBLOCK was for open only. */
		if (fcntl(out, F_SETFL, 0) < 0)
			log_warn("containerd log FIFO: blocking mode: %s", strerror(errno));
		char *argv[] = {(char *)sv.opt.containerd_bin, "--config", (char *)config, NULL};
		struct spawn_opts so = SPAWN_OPTS_DEFAULT;
		so.stdin_fd = in;
		so.stdout_fd = out;
		so.stderr_fd = out;
		so.new_session = true;
		/* Not the supervisor's -900: shims and containers inherit from
		 * containerd, and a service must not outrank its supervisor. */
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

void cd_start(void)
{
	if (sv.shutdown != SD_NONE)
		return;
	char config[PATH_MAX], fifo[PATH_MAX], pidfile[PATH_MAX];
	snprintf(config, sizeof config, "%s/containerd.toml", sv.opt.run_dir);
	snprintf(fifo, sizeof fifo, "%s/fifo/.containerd", sv.opt.run_dir);
	pid_path(pidfile, sizeof pidfile);
	const char *root = containerd_root();
	struct ctrd_config cfg = {
	    .root = root, .state = sv.opt.containerd_state, .sock = sv.sock, .log_level = "warn"};
	const char *step = "mkdir";
	if (mkdir_p(sv.opt.containerd_state) < 0 || mkdir_p(root) < 0 ||
	    (step = "config", ctrd_config_write(config, &cfg) < 0))
		goto fail;
	/* A socket left by a killed containerd refuses connections. */
	if (unlink(sv.sock) < 0 && errno != ENOENT)
		log_warn("%s: %s", sv.sock, strerror(errno));
	sv.cd_start_ms = now_ms();
	if (timeline_mark("supervisor", "phase", "containerd", "start") < 0)
		log_debug("timeline: containerd: %m");
	step = "spawn";
	pid_t pid = spawn_containerd(config, fifo);
	if (pid < 0 || watch_pid(pid) < 0)
		goto fail;
	FILE *f = fopen(pidfile, "we");
	if (f) {
		fprintf(f, "%d\n", pid);
		fclose(f);
	}
	sv.cd = CD_CONNECTING;
	timer_arm(&sv.cd_timer, PROBE_INTERVAL_MS);
	return;
fail:
	console_failed("containerd: %s (%s, root %s): %s; retrying in 5 s", step,
		       sv.opt.containerd_bin, root, strerror(errno));
	sv.cd = CD_DOWN;
	timer_arm(&sv.cd_timer, 5000);
}

static void cd_timer_fired(struct timer *t)
{
	(void)t;
	switch (sv.cd) {
	case CD_DOWN:
		cd_start();
		break;
	case CD_CONNECTING:
		try_connect();
		break;
	case CD_STOPPING:
		console_failed("containerd did not stop within %d s, sending SIGKILL",
			       STOP_GRACE_MS / 1000);
		if (sv.cd_pid > 0)
			signal_containerd(SIGKILL);
		break;
	default:
		break;
	}
}

/* A containerd from before a supervisor restart: pid file, live process,
 * and named containerd (not a recycled pid). */
static pid_t running_containerd(void)
{
	char path[PATH_MAX], comm[64] = "";
	pid_path(path, sizeof path);
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

int cd_init(void)
{
	snprintf(sv.sock, sizeof sv.sock, "%s/containerd.sock", sv.opt.containerd_state);
	sv.cd_pidfd = -1;
	char fifo[PATH_MAX];
	snprintf(fifo, sizeof fifo, "%s/fifo/.containerd", sv.opt.run_dir);
	if (logstore_init(&sv.cd_log, "containerd", sv.opt.log_dir, sv.opt.log_max_size) < 0 ||
	    timer_init(&sv.cd_timer, cd_timer_fired, NULL) < 0 ||
	    (mkfifo(fifo, 0600) < 0 && errno != EEXIST) ||
	    (sv.cd_log_fd = open(fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0 ||
	    loop_add(&sv.cd_log_watch, sv.cd_log_fd, EPOLLIN, drain_log, NULL) < 0) {
		log_err("containerd: setting up its log %s: %m", fifo);
		return -1;
	}
	pid_t pid = running_containerd();
	if (pid > 0 && watch_pid(pid) == 0) {
		log_info("adopting containerd (pid %d) left by the previous supervisor", pid);
		sv.cd = CD_CONNECTING;
		sv.cd_start_ms = now_ms();
		timer_arm(&sv.cd_timer, 0);
		return 0;
	}
	cd_start();
	return 0;
}

void cd_stop(void)
{
	if (sv.shutdown >= SD_CONTAINERD)
		return;
	sv.shutdown = SD_CONTAINERD;
	close_pending = sv.conn != NULL;
	if (sv.cd_pid <= 0) {
		sv.cd = CD_DOWN;
		shutdown_after_containerd();
		return;
	}
	sv.cd = CD_STOPPING;
	signal_containerd(SIGTERM);
	timer_arm(&sv.cd_timer, STOP_GRACE_MS);
}

void cd_before_wait(int *timeout_ms)
{
	if (close_pending) {
		bool stopping = sv.shutdown >= SD_CONTAINERD;
		close_conn();
		if (!stopping)
			connection_lost("reconnecting");
	}
	if (!sv.conn)
		return;
	uint32_t want = EPOLLIN | (ctrd_wants_write(sv.conn) ? EPOLLOUT : 0);
	if (loop_mod(&sv.conn_watch, want) < 0)
		log_warn("containerd connection: epoll: %m");
	int next = ctrd_next_timeout_ms(sv.conn);
	if (next >= 0 && (*timeout_ms < 0 || next < *timeout_ms))
		*timeout_ms = next;
}

void cd_after_wait(void)
{
	if (sv.conn && ctrd_next_timeout_ms(sv.conn) == 0 && ctrd_process(sv.conn, 0) < 0)
		connection_lost(ctrd_error(sv.conn));
}
