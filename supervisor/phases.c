/* phases: onboot, onshutdown, power requests, the shutdown's ends (header).
 *
 * stele-onboot's exit codes (onboot/README.md): 0 go on, 10 halt,
 * 11 power off, 12 it was interrupted, anything else is reported and the
 * boot goes on. */
#include "supervisor/phases.h"
#include "lib/clock.h"

#include "lib/fdio.h"
#include "lib/log.h"
#include "lib/spawn.h"
#include "lib/timeline.h"
#include "supervisor/console.h"
#include "supervisor/onboot_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#define ONBOOT_HALT	10
#define ONBOOT_POWEROFF 11

static void drain_phase(struct watch *w, uint32_t events)
{
	(void)events;
	struct phases *ph = w->data;
	if (console_taken())
		ph->log.tee = NULL; /* the getty owns the console now */
	if (logstore_drain(&ph->log, w->fd) < 0) {
		loop_del(w);
		close(w->fd);
		ph->fd = -1;
	}
}

static int run(struct phases *ph, const char *which, int stdin_fd)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	const struct sv_options *o = ph->opt;
	char *argv[] = {(char *)o->onboot_bin,
			"run",
			(char *)which,
			"--root",
			(char *)o->containers,
			"--timeline-dir",
			(char *)o->run_dir,
			"--state-mountpoint",
			(char *)o->state_mountpoint,
			NULL};
	struct spawn_opts so = SPAWN_OPTS_DEFAULT;
	so.stdin_fd = stdin_fd;
	so.stdout_fd = fds[1];
	so.stderr_fd = fds[1];
	pid_t pid = spawn(argv[0], argv, &so);
	int saved = errno;
	close(fds[1]);
	if (stdin_fd >= 0)
		close(stdin_fd); /* the child's copy holds the lock (onboot_lock.h) */
	if (pid < 0) {
		close(fds[0]);
		errno = saved;
		return -1;
	}
	ph->fd = fds[0];
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0 ||
	    loop_add(&ph->watch, fds[0], EPOLLIN, drain_phase, ph) < 0)
		log_err("%s: reading its output: %s; it goes unread", which, strerror(errno));
	ph->pid = pid;
	snprintf(ph->name, sizeof ph->name, "%s", which);
	ph->start_ms = boottime_ms();
	if (timeline_mark("supervisor", "phase", which, "start") < 0)
		log_debug("timeline: %s: %m", which);
	return 0;
}

static void marker_path(const struct phases *ph, char *buf, size_t len)
{
	snprintf(buf, len, "%s/onboot.done", ph->opt->run_dir);
}

/* For a supervisor that replaces this one: onboot is not run twice. The
 * marker lives on /run, so a reboot clears it. */
static void mark_onboot_done(struct phases *ph)
{
	char marker[PATH_MAX];
	marker_path(ph, marker, sizeof marker);
	if (touch_file(marker) < 0)
		log_warn("%s: %s; a restarted supervisor would run onboot again", marker,
			 strerror(errno));
}

static void onboot_done(struct phases *ph, bool earlier)
{
	ph->onboot_done = true;
	ph->ev->onboot_done(earlier);
}

int phases_init(struct phases *ph, const struct sv_options *opt, const struct sv_events *ev)
{
	*ph = (struct phases){.opt = opt, .ev = ev, .fd = -1};
	if (logstore_init(&ph->log, "onboot", NULL, 0) < 0)
		return -1;
	ph->log.tee = console_write; /* onboot's progress belongs on the console */
	return 0;
}

static void recheck_onboot(struct timer *t)
{
	struct phases *ph = t->data;
	if (ph->shutdown == SD_NONE)
		phases_start_onboot(ph);
}

void phases_start_onboot(struct phases *ph)
{
	char marker[PATH_MAX];
	marker_path(ph, marker, sizeof marker);
	if (access(marker, F_OK) == 0) {
		log_info("onboot already ran (%s): re-adopting the running services", marker);
		onboot_done(ph, true);
		return;
	}
	if (ph->opt->no_onboot) {
		mark_onboot_done(ph);
		onboot_done(ph, false);
		return;
	}
	int lock_fd;
	switch (onboot_lock_take(ph->opt->run_dir, &lock_fd)) {
	case ONBOOT_LOCK_RUNNING:
		/* A supervisor that died left its onboot running: it is waited
		 * for, never run a second time beside it. */
		if (!ph->lock_wait.fn && timer_init(&ph->lock_wait, recheck_onboot, ph) < 0)
			log_warn("onboot lock: %s", strerror(errno));
		else {
			if (!ph->waiting_earlier)
				log_info(
				    "an earlier supervisor's onboot still runs; waiting for it");
			ph->waiting_earlier = true;
			timer_arm(&ph->lock_wait, 200);
		}
		return;
	case ONBOOT_LOCK_ENDED:
		log_info("an earlier supervisor's onboot has ended; not running it again");
		mark_onboot_done(ph);
		onboot_done(ph, true);
		return;
	case ONBOOT_LOCK_TAKEN:
		break;
	}
	if (run(ph, "onboot", lock_fd) < 0) {
		console_failed("onboot: %s: %s; going on without it", ph->opt->onboot_bin,
			       strerror(errno));
		onboot_done(ph, false);
	}
}

static void onboot_finished(struct phases *ph, int status)
{
	char how[64];
	describe_status(status, how, sizeof how);
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	mark_onboot_done(ph);
	if (code == ONBOOT_HALT || code == ONBOOT_POWEROFF) {
		console_failed("onboot asked to %s (%s); stelectl logs onboot",
			       code == ONBOOT_HALT ? "halt" : "power off", how);
		ph->ev->power_request(code == ONBOOT_HALT ? POWER_HALT : POWER_POWEROFF);
	} else if (code == 0) {
		console_ok("Finished onboot (%.0f ms)", boottime_ms() - ph->start_ms);
	} else {
		console_failed("onboot %s; going on (stelectl logs onboot)", how);
	}
	onboot_done(ph, false);
}

static void finish(struct phases *ph, bool timed_out)
{
	if (timeline_mark("supervisor", "phase", "shutdown", "end") < 0)
		log_debug("timeline: shutdown: %m");
	ph->ev->shutdown_done(timed_out);
}

static void run_onshutdown(struct phases *ph)
{
	ph->shutdown = SD_ONSHUTDOWN;
	if (ph->opt->no_onboot) {
		finish(ph, false);
		return;
	}
	if (ph->pid > 0)
		return; /* onboot is still stopping; its end calls again */
	if (run(ph, "onshutdown", -1) < 0) {
		log_err("onshutdown: %s: %s", ph->opt->onboot_bin, strerror(errno));
		finish(ph, false);
	}
}

bool phases_reaped(struct phases *ph, pid_t pid, int status)
{
	if (pid != ph->pid || pid <= 0)
		return false;
	ph->pid = 0;
	if (ph->fd >= 0)
		drain_phase(&ph->watch, 0);
	if (timeline_mark("supervisor", "phase", ph->name, "end") < 0)
		log_debug("timeline: %s: %m", ph->name);
	if (strcmp(ph->name, "onboot") == 0) {
		onboot_finished(ph, status);
		if (ph->shutdown == SD_ONSHUTDOWN)
			run_onshutdown(ph); /* it was waiting for onboot to stop */
		return true;
	}
	char how[64];
	console_ok("Finished onshutdown (%s)", describe_status(status, how, sizeof how));
	finish(ph, false);
	return true;
}

/* Outside stele's PID 1 (a test on a host) the request must not reach the
 * host's init: the supervisor then just shuts itself down. An orphan is
 * reparented to PID 1 too, so the parent alone proves nothing; stele's init
 * also exports STELE_INIT. */
void phases_power(struct phases *ph, enum power_action action)
{
	static const int signals[] = {
	    [POWER_POWEROFF] = SIGUSR2, [POWER_REBOOT] = SIGTERM, [POWER_HALT] = SIGUSR1};
	static const char *const names[] = {
	    [POWER_POWEROFF] = "poweroff", [POWER_REBOOT] = "reboot", [POWER_HALT] = "halt"};
	if (action == POWER_NONE)
		return;
	ph->power = action;
	if (getppid() == 1 && getenv("STELE_INIT")) {
		log_info("asking PID 1 to %s", names[action]);
		if (kill(1, signals[action]) == 0)
			return;
		log_err("signalling PID 1: %s; shutting down the services anyway", strerror(errno));
	} else {
		log_info("%s requested, but not under PID 1: stopping the services only",
			 names[action]);
	}
	phases_shutdown(ph, names[action]);
}

static void shutdown_bound(struct timer *t)
{
	struct phases *ph = t->data;
	console_failed("shutdown did not finish within %d s: leaving the rest to PID 1",
		       ph->opt->shutdown_timeout_s);
	if (ph->pid > 0 && kill(ph->pid, SIGKILL) < 0 && errno != ESRCH)
		log_err("%s: SIGKILL: %s", ph->name, strerror(errno));
	finish(ph, true);
}

void phases_shutdown(struct phases *ph, const char *why)
{
	if (ph->shutdown != SD_NONE)
		return;
	log_info("shutting down (%s): stopping services", why);
	if (timeline_mark("supervisor", "phase", "shutdown", "start") < 0)
		log_debug("timeline: shutdown: %m");
	ph->shutdown = SD_STOPPING;
	ph->shutdown_ms = boottime_ms();
	if (timer_init(&ph->bound, shutdown_bound, ph) < 0 ||
	    timer_arm(&ph->bound, ph->opt->shutdown_timeout_s * 1000) < 0)
		log_err("shutdown: arming its time bound: %m");
	/* onboot still running: SIGTERM makes it stop its container cleanly. */
	if (ph->pid > 0 && kill(ph->pid, SIGTERM) < 0 && errno != ESRCH)
		log_err("onboot: SIGTERM: %s", strerror(errno));
	ph->ev->shutdown();
}

void phases_containerd_stopped(struct phases *ph)
{
	if (ph->shutdown == SD_STOPPING)
		run_onshutdown(ph);
}

int phases_shutdown_left_ms(const struct phases *ph)
{
	double left = ph->opt->shutdown_timeout_s * 1000.0 - (boottime_ms() - ph->shutdown_ms);
	return left > 0 ? (int)left : 0;
}

struct logstore *phases_log(struct phases *ph)
{
	return &ph->log;
}

void phases_status(const struct phases *ph, struct status_row *row)
{
	*row = (struct status_row){.kind = "system",
				   .name = "onboot",
				   .state = ph->onboot_done ? "done"
					    : ph->pid	    ? "running"
							    : "waiting",
				   .pid = ph->pid,
				   .since_ms = -1,
				   .detail = ph->opt->no_onboot ? "disabled (--no-onboot)"
								: "stelectl logs onboot"};
}
