/* stele-supervisor: starts containerd and onboot at once, then the
 * services, supervises them, serves the control socket, and on SIGTERM
 * stops everything in order and exits 0. See README.md. */
#include "lib/log.h"
#include "lib/timeline.h"
#include "supervisor/supervisor.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct sv sv;

static const char *const state_names[] = {
    [SVC_WAITING] = "waiting", [SVC_STARTING] = "starting", [SVC_RUNNING] = "running",
    [SVC_READY] = "ready",     [SVC_STOPPING] = "stopping", [SVC_EXITED] = "exited",
    [SVC_BACKOFF] = "backoff", [SVC_FAILED] = "failed",	    [SVC_STOPPED] = "stopped",
};

const char *svc_state_name(enum svc_state s)
{
	return state_names[s];
}

double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Once a getty owns the console (it writes RUN/console-taken), progress
 * lines go to the kernel log only (docs/design.md, console hand-over). */
static bool console_taken(void)
{
	static bool taken;
	if (taken)
		return true;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/console-taken", sv.opt.run_dir);
	if (access(path, F_OK) != 0)
		return false;
	taken = true;
	log_set_console(false);
	sv.onboot_log.tee_fd = -1;
	return true;
}

void console_line(const char *line)
{
	if (console_taken()) {
		log_info("%s", line);
		return;
	}
	printf("%s\n", line);
	fflush(stdout);
}

static void console(const char *tag, const char *fmt, va_list ap)
{
	char text[512], line[600];
	vsnprintf(text, sizeof text, fmt, ap);
	snprintf(line, sizeof line, "%s %s", tag, text);
	console_line(line);
}

void console_ok(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	console("[  OK  ]", fmt, ap);
	va_end(ap);
}

void console_failed(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	console("[FAILED]", fmt, ap);
	va_end(ap);
}

struct service *service_find(const char *name)
{
	for (size_t i = 0; i < sv.n_svcs; i++)
		if (strcmp(sv.svcs[i].name, name) == 0)
			return &sv.svcs[i];
	return NULL;
}

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

static int parse_options(int argc, char **argv)
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
	struct sv_options *o = &sv.opt;
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
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == sv.cd_pid) {
			/* Its pidfd reports the death; keep the status for it. */
			sv.cd_status = status;
			sv.cd_reaped = true;
			continue;
		}
		phases_child_exited(pid, status);
	}
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
			shutdown_begin(si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
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

/* A supervisor that replaces one that died must not run onboot again; the
 * marker lives on /run, so a reboot clears it. */
static void start_onboot(void)
{
	char marker[PATH_MAX];
	snprintf(marker, sizeof marker, "%s/onboot.done", sv.opt.run_dir);
	if (access(marker, F_OK) == 0) {
		sv.onboot_done = sv.readopted = true;
		log_info("onboot already ran (%s): re-adopting the running services", marker);
		return;
	}
	if (sv.opt.no_onboot) {
		sv.onboot_done = true;
		phases_mark_onboot_done();
		return;
	}
	if (phase_run("onboot") < 0) {
		console_failed("onboot: %s: %s; going on without it", sv.opt.onboot_bin,
			       strerror(errno));
		sv.onboot_done = true;
	}
}

int main(int argc, char **argv)
{
	log_init("stele-supervisor");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_options(argc, argv) < 0)
		return 2;
	/* The kernel gives PID 1 no PATH; containerd finds its shim and the
	 * shim finds runc through it. */
	if (setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 0) < 0)
		log_warn("setenv PATH: %s", strerror(errno));
	sv.boot_start_ms = now_ms();
	sv.phase_fd = -1;
	timeline_set_dir(sv.opt.run_dir);
	if (loop_init() < 0 || setup_signals() < 0) {
		log_err("event loop: %s", strerror(errno));
		return 1;
	}
	if (mkdir(sv.opt.run_dir, 0755) < 0 && errno != EEXIST) {
		log_err("%s: %s: pass --run with a writable directory", sv.opt.run_dir,
			strerror(errno));
		return 1;
	}
	if (logstore_init(&sv.onboot_log, "onboot", NULL, 0) < 0 || services_load() < 0)
		return 1;
	sv.onboot_log.tee_fd = STDOUT_FILENO; /* onboot's progress belongs on the console */
	if (control_open() < 0)
		log_err("control socket in %s: %s; stelectl will not work", sv.opt.run_dir,
			strerror(errno));
	start_onboot();
	if (cd_init() < 0)
		return 1;
	log_info("%zu services in %s/services", sv.n_svcs, sv.opt.containers);
	for (;;) {
		int timeout = -1;
		cd_before_wait(&timeout);
		if (loop_once(timeout) < 0) {
			log_err("epoll: %s", strerror(errno));
			sleep(1); /* never spin; never exit: PID 1 would restart us anyway */
		}
		cd_after_wait();
	}
}
