/* stele-supervisor: starts containerd and onboot at once, then the
 * services, supervises them, serves the control socket, and on SIGTERM
 * stops everything in order and exits 0. See README.md.
 *
 * main owns nothing but the wiring: the options, the signals, the loop,
 * and the events (events.h) between the three owners (the service table,
 * containerd, the phases) and the control socket's questions. */
#include "lib/fdio.h"
#include "lib/log.h"
#include "lib/state_status.h"
#include "lib/timeline.h"
#include "supervisor/cdproc.h"
#include "supervisor/console.h"
#include "supervisor/control_server.h"
#include "supervisor/options.h"
#include "supervisor/phases.h"
#include "supervisor/service.h"
#include "supervisor/shims.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct sv_options options;
static struct services table;
static struct cdproc cd;
static struct phases ph;
static struct control ctl;
static struct shims shims;

/* --- events: who reacts to what --- */

static void on_containerd_up(struct ctrd *conn, const struct cd_snapshot *held)
{
	/* Before any task is created: no task of a group while its shim starts. */
	services_shim_groups_starting(&table, shims_start(&shims, services_shim_groups(&table)));
	services_containerd_up(&table, conn, held);
}

static void on_shim_done(unsigned group, bool up)
{
	services_shim_group_done(&table, group, up);
}

static void on_containerd_lost(void)
{
	services_containerd_lost(&table);
}

static void on_task_exit(const char *id, uint32_t pid, uint32_t exit_status)
{
	services_task_exit(&table, id, pid, exit_status);
}

static void on_ready(const char *service, const char *how)
{
	services_ready(&table, service, how);
}

static void on_power_request(enum power_action action)
{
	services_hold(&table);
	phases_power(&ph, action);
}

static bool on_restart_containerd(const char *why)
{
	return cdproc_restart(&cd, why);
}

static void on_onboot_done(bool earlier)
{
	services_onboot_done(&table, earlier);
}

static void on_shutdown(void)
{
	services_shutdown(&table);
}

static void on_services_stopped(void)
{
	cdproc_stop(&cd);
}

static void on_containerd_stopped(void)
{
	shims_stop(&shims);
	services_read_output(&table); /* before onshutdown reads the files */
	phases_containerd_stopped(&ph);
}

#define CONSOLE_FLUSH_MS 3000

static void on_shutdown_done(bool timed_out)
{
	if (timed_out)
		cdproc_kill(&cd);
	control_close(&ctl);
	log_info("all stopped; exiting");
	/* What onshutdown printed may still wait for a slow console; PID 1
	 * powers off right after we exit. */
	int left = phases_shutdown_left_ms(&ph);
	console_flush(left < CONSOLE_FLUSH_MS ? left : CONSOLE_FLUSH_MS);
	fflush(stdout);
	exit(0);
}

static const struct sv_events wiring = {
    .containerd_up = on_containerd_up,
    .containerd_lost = on_containerd_lost,
    .task_exit = on_task_exit,
    .ready = on_ready,
    .power_request = on_power_request,
    .restart_containerd = on_restart_containerd,
    .onboot_done = on_onboot_done,
    .shutdown = on_shutdown,
    .services_stopped = on_services_stopped,
    .containerd_stopped = on_containerd_stopped,
    .shutdown_done = on_shutdown_done,
};

/* --- what the control socket asks --- */

static void state_volume_row(status_emit_fn *emit, void *arg)
{
	static const char *const states[] = {[STATE_STATUS_NONE] = "none",
					     [STATE_STATUS_MOUNTED] = "mounted",
					     [STATE_STATUS_TMPFS_FALLBACK] = "tmpfs",
					     [STATE_STATUS_UNAVAILABLE] = "unavailable"};
	char path[PATH_MAX], line[256];
	snprintf(path, sizeof path, "%s/state-status", options.run_dir);
	enum state_status st = state_status_read(path, line, sizeof line);
	struct status_row row = {.kind = "system",
				 .name = "state",
				 .state = states[st],
				 .since_ms = -1,
				 .detail = st == STATE_STATUS_NONE ? "no state-status file" : line};
	emit(arg, &row);
}

static void console_row(status_emit_fn *emit, void *arg)
{
	unsigned long long writes, bytes;
	console_dropped(&writes, &bytes);
	char detail[160];
	snprintf(detail, sizeof detail,
		 "%llu writes (%llu bytes) dropped: the console did not keep up", writes, bytes);
	struct status_row row = {.kind = "system",
				 .name = "console",
				 .state = console_taken() ? "taken" : "up",
				 .since_ms = -1,
				 .detail = detail};
	emit(arg, &row);
}

static bool status_rows(const char *name, status_emit_fn *emit, void *arg)
{
	if (name)
		return services_status(&table, name, emit, arg);
	struct status_row row;
	cdproc_status(&cd, &row);
	emit(arg, &row);
	phases_status(&ph, &row);
	emit(arg, &row);
	state_volume_row(emit, arg);
	console_row(emit, arg);
	return services_status(&table, NULL, emit, arg);
}

static struct logstore *log_of(const char *name)
{
	struct logstore *l = services_log(&table, name);
	if (l)
		return l;
	if (strcmp(name, "containerd") == 0)
		return cdproc_log(&cd);
	if (strcmp(name, "onboot") == 0 || strcmp(name, "onshutdown") == 0)
		return phases_log(&ph);
	return NULL;
}

static int request(const char *verb, const char *name, char *msg, size_t len)
{
	return services_request(&table, verb, name, msg, len);
}

static const struct control_ops control_ops = {
    .status = status_rows, .log = log_of, .request = request};

/* --- options, signals, the loop --- */

static void usage(FILE *out)
{
	fputs(
	    "usage: stele-supervisor [options]\n"
	    "  --containers DIR        bundles in DIR/services (/containers)\n"
	    "  --run DIR               runtime dir: control.sock, timeline (/run/stele)\n"
	    "  --log-dir DIR           service logs NAME.log (/var/log)\n"
	    "  --log-max-size BYTES    rotate a log file past this size (1048576)\n"
	    "  --containerd PATH       containerd binary (/usr/bin/containerd)\n"
	    "  --containerd-state DIR  containerd state and socket (/run/containerd)\n"
	    "  --containerd-root DIR   containerd root (default: by the state volume)\n"
	    "  --containerd-timeout S  bound for containerd to answer (30)\n"
	    "  --state-mountpoint DIR  the state volume's mountpoint (/var/lib)\n"
	    "  --namespace NS          containerd namespace (stele)\n"
	    "  --onboot PATH           the onboot runner (/sbin/stele-onboot)\n"
	    "  --no-onboot             run neither onboot nor onshutdown\n"
	    "  --config-dir DIR        userdata output: services/{enabled,disabled} (/run/config)\n"
	    "  --shutdown-timeout S    bound of the whole shutdown\n"
	    "                          ($STELE_SHUTDOWN_TIMEOUT - 1, else 60)\n"
	    "  --debug                 verbose log\n",
	    out);
}

static int seconds_arg(const char *arg, const char *opt, int *out)
{
	char *end;
	long v = strtol(arg, &end, 10);
	if (*end || v < 1 || v > 86400) {
		log_err("%s %s: give whole seconds, 1 to 86400", opt, arg);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* Under stele's init, STELE_SHUTDOWN_TIMEOUT is init.conf's
 * shutdown_timeout: PID 1 kills what is left after that many seconds, so
 * the supervisor ends its own shutdown a second before. */
static int shutdown_timeout_default(void)
{
	const char *env = getenv("STELE_SHUTDOWN_TIMEOUT");
	char *end;
	long s = env ? strtol(env, &end, 10) : -1;
	if (!env || !*env || *end || s < 0 || s > 86400)
		return 60;
	return s > 1 ? (int)s - 1 : 1;
}

static int parse_options(int argc, char **argv, struct sv_options *o)
{
	static const struct option longopts[] = {
	    {"containers", required_argument, NULL, 'c'},
	    {"run", required_argument, NULL, 'r'},
	    {"log-dir", required_argument, NULL, 'l'},
	    {"log-max-size", required_argument, NULL, 'L'},
	    {"containerd", required_argument, NULL, 'b'},
	    {"containerd-state", required_argument, NULL, 's'},
	    {"containerd-root", required_argument, NULL, 'R'},
	    {"containerd-timeout", required_argument, NULL, 'T'},
	    {"state-mountpoint", required_argument, NULL, 'm'},
	    {"namespace", required_argument, NULL, 'n'},
	    {"onboot", required_argument, NULL, 'o'},
	    {"no-onboot", no_argument, NULL, 'N'},
	    {"config-dir", required_argument, NULL, 'C'},
	    {"shutdown-timeout", required_argument, NULL, 'S'},
	    {"debug", no_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	*o = (struct sv_options){.containers = "/containers",
				 .run_dir = TIMELINE_DIR,
				 .log_dir = "/var/log",
				 .containerd_bin = "/usr/bin/containerd",
				 .containerd_state = "/run/containerd",
				 .state_mountpoint = "/var/lib",
				 .onboot_bin = "/sbin/stele-onboot",
				 .config_dir = "/run/config",
				 .ns = CTRD_NAMESPACE,
				 .containerd_timeout_s = 30,
				 .shutdown_timeout_s = shutdown_timeout_default(),
				 .log_max_size = LOGSTORE_MAX_FILE};
	int c;
	char *end;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->containers = optarg;
			break;
		case 'r':
			o->run_dir = optarg;
			break;
		case 'l':
			o->log_dir = optarg;
			o->log_dir_given = true;
			break;
		case 'L':
			o->log_max_size = strtoll(optarg, &end, 10);
			if (*end || o->log_max_size < 1024) {
				log_err("--log-max-size %s: give bytes, at least 1024", optarg);
				return -1;
			}
			break;
		case 'b':
			o->containerd_bin = optarg;
			break;
		case 's':
			o->containerd_state = optarg;
			break;
		case 'R':
			o->containerd_root = optarg;
			break;
		case 'T':
			if (seconds_arg(optarg, "--containerd-timeout", &o->containerd_timeout_s))
				return -1;
			break;
		case 'm':
			o->state_mountpoint = optarg;
			break;
		case 'n':
			o->ns = optarg;
			break;
		case 'o':
			o->onboot_bin = optarg;
			break;
		case 'N':
			o->no_onboot = true;
			break;
		case 'C':
			o->config_dir = optarg;
			break;
		case 'S':
			if (seconds_arg(optarg, "--shutdown-timeout", &o->shutdown_timeout_s))
				return -1;
			break;
		case 'd':
			log_set_level(LOG_DEBUG);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		log_err("unexpected argument %s: see --help", argv[optind]);
		return -1;
	}
	return 0;
}

static void reap(void)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (!cdproc_reaped(&cd, pid, status) && !shims_reaped(&shims, pid, status))
			phases_reaped(&ph, pid, status);
}

static void on_signal(struct watch *w, uint32_t events)
{
	(void)events;
	struct signalfd_siginfo si;
	while (read(w->fd, &si, sizeof si) == sizeof si) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap();
			break;
		case SIGTERM:
		case SIGINT:
			phases_shutdown(&ph, si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
			break;
		default:
			break;
		}
	}
}

static int setup_signals(void)
{
	static struct watch signal_watch;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -1;
	return loop_add(&signal_watch, fd, EPOLLIN, on_signal, NULL);
}

int main(int argc, char **argv)
{
	log_init("stele-supervisor");
	/* Whatever started us may have left fds open without O_CLOEXEC; none
	 * may reach containerd, onboot or a prepare helper. */
	if (fds_set_cloexec_from(3) < 0)
		log_warn("marking inherited fds close-on-exec: %s", strerror(errno));
	if (parse_options(argc, argv, &options) < 0)
		return 2;
	/* The kernel gives PID 1 no PATH; containerd finds its shim and the
	 * shim finds runc through it. */
	if (setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 0) < 0)
		log_warn("setenv PATH: %s", strerror(errno));
	timeline_set_dir(options.run_dir);
	console_init(options.run_dir);
	if (loop_init() < 0 || setup_signals() < 0) {
		log_err("event loop: %s", strerror(errno));
		return 1;
	}
	if (mkdir(options.run_dir, 0755) < 0 && errno != EEXIST) {
		log_err("%s: %s: pass --run with a writable directory", options.run_dir,
			strerror(errno));
		return 1;
	}
	if (phases_init(&ph, &options, &wiring) < 0 || services_load(&table, &options, &wiring) < 0)
		return 1;
	if (control_open(&ctl, options.run_dir, &control_ops, &wiring) < 0)
		log_err("control socket in %s: %s; stelectl will not work", options.run_dir,
			strerror(errno));
	phases_start_onboot(&ph);
	if (cdproc_init(&cd, &options, &wiring, services_want_containerd(&table)) < 0)
		return 1;
	shims_init(&shims, &options, cdproc_log(&cd), on_shim_done);
	for (;;) {
		int timeout = -1;
		cdproc_before_wait(&cd, &timeout);
		if (loop_once(timeout) < 0) {
			log_err("epoll: %s", strerror(errno));
			sleep(1); /* never spin; never exit: PID 1 would restart us anyway */
		}
		cdproc_after_wait(&cd);
	}
}
