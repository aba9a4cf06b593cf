/* phases: the parts of the boot and shutdown that are not services:
 * `stele-onboot run onboot|onshutdown`, the shutdown sequence's ends, and
 * power requests to PID 1.
 *
 * stele-onboot's exit codes (onboot/README.md): 0 go on, 10 halt,
 * 11 power off, 12 it was interrupted, anything else is reported and the
 * boot goes on. */
#include "lib/log.h"
#include "lib/spawn.h"
#include "supervisor/supervisor.h"
#include "lib/timeline.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#define ONBOOT_HALT	10
#define ONBOOT_POWEROFF 11

static char phase_name[16];
static double phase_start_ms;

static void drain_phase(struct watch *w, uint32_t events)
{
	(void)events;
	uint64_t before = sv.onboot_log.ring.end;
	if (logstore_drain(&sv.onboot_log, w->fd) < 0) {
		loop_del(w);
		close(w->fd);
		sv.phase_fd = -1;
	}
	if (sv.onboot_log.ring.end != before)
		control_log_appended(&sv.onboot_log);
}

int phase_run(const char *which)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	char *argv[] = {(char *)sv.opt.onboot_bin,
			"run",
			(char *)which,
			"--root",
			(char *)sv.opt.containers,
			"--timeline-dir",
			(char *)sv.opt.run_dir,
			"--state-mountpoint",
			(char *)sv.opt.state_mountpoint,
			NULL};
	struct spawn_opts so = SPAWN_OPTS_DEFAULT;
	so.stdout_fd = fds[1];
	so.stderr_fd = fds[1];
	pid_t pid = spawn(argv[0], argv, &so);
	int saved = errno;
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		errno = saved;
		return -1;
	}
	sv.phase_fd = fds[0];
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0 ||
	    loop_add(&sv.phase_watch, fds[0], EPOLLIN, drain_phase, NULL) < 0)
		log_err("%s: reading its output: %s; it goes unread", which, strerror(errno));
	sv.phase_pid = pid;
	snprintf(phase_name, sizeof phase_name, "%s", which);
	phase_start_ms = now_ms();
	if (timeline_mark("supervisor", "phase", which, "start") < 0)
		log_debug("timeline: %s: %m", which);
	return 0;
}

void phases_mark_onboot_done(void)
{
	char marker[PATH_MAX];
	snprintf(marker, sizeof marker, "%s/onboot.done", sv.opt.run_dir);
	int fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		log_warn("%s: %s; a restarted supervisor would run onboot again", marker,
			 strerror(errno));
	else
		close(fd);
}

static void onboot_finished(int status)
{
	char how[64];
	describe_status(status, how, sizeof how);
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	sv.onboot_done = true;
	phases_mark_onboot_done();
	if (code == ONBOOT_HALT || code == ONBOOT_POWEROFF) {
		console_failed("onboot asked to %s (%s); stelectl logs onboot",
			       code == ONBOOT_HALT ? "halt" : "power off", how);
		power_request(code == ONBOOT_HALT ? POWER_HALT : POWER_POWEROFF);
		return;
	}
	if (code == 0)
		console_ok("Finished onboot (%.0f ms)", now_ms() - phase_start_ms);
	else
		console_failed("onboot %s; going on (stelectl logs onboot)", how);
	supervise_kick();
}

void phases_child_exited(pid_t pid, int status)
{
	if (pid != sv.phase_pid)
		return;
	sv.phase_pid = 0;
	if (sv.phase_fd >= 0)
		drain_phase(&sv.phase_watch, 0);
	if (timeline_mark("supervisor", "phase", phase_name, "end") < 0)
		log_debug("timeline: %s: %m", phase_name);
	if (strcmp(phase_name, "onboot") == 0) {
		onboot_finished(status);
		if (sv.shutdown == SD_ONSHUTDOWN)
			shutdown_after_containerd(); /* it was waiting for onboot to stop */
		return;
	}
	char how[64];
	console_ok("Finished onshutdown (%s)", describe_status(status, how, sizeof how));
	shutdown_finish();
}

/* Outside stele's PID 1 (a test on a host) the request must not reach the
 * host's init: the supervisor then just shuts itself down. An orphan is
 * reparented to PID 1 too, so the parent alone proves nothing; stele's init
 * also exports STELE_INIT. */
void power_request(enum power_action action)
{
	static const int signals[] = {
	    [POWER_POWEROFF] = SIGUSR2, [POWER_REBOOT] = SIGTERM, [POWER_HALT] = SIGUSR1};
	static const char *const names[] = {
	    [POWER_POWEROFF] = "poweroff", [POWER_REBOOT] = "reboot", [POWER_HALT] = "halt"};
	if (action == POWER_NONE)
		return;
	sv.power = action;
	if (getppid() == 1 && getenv("STELE_INIT")) {
		log_info("asking PID 1 to %s", names[action]);
		if (kill(1, signals[action]) == 0)
			return;
		log_err("signalling PID 1: %s; shutting down the services anyway", strerror(errno));
	} else {
		log_info("%s requested, but not under PID 1: stopping the services only",
			 names[action]);
	}
	shutdown_begin(names[action]);
}

static void shutdown_bound(struct timer *t)
{
	(void)t;
	console_failed("shutdown did not finish within %d s: leaving the rest to PID 1",
		       sv.opt.shutdown_timeout_s);
	if (sv.cd_pid > 0 && kill(sv.cd_pid, SIGKILL) < 0 && errno != ESRCH)
		log_err("containerd: SIGKILL: %s", strerror(errno));
	if (sv.phase_pid > 0 && kill(sv.phase_pid, SIGKILL) < 0 && errno != ESRCH)
		log_err("%s: SIGKILL: %s", phase_name, strerror(errno));
	shutdown_finish();
}

void shutdown_begin(const char *why)
{
	if (sv.shutdown != SD_NONE)
		return;
	log_info("shutting down (%s): stopping services", why);
	if (timeline_mark("supervisor", "phase", "shutdown", "start") < 0)
		log_debug("timeline: shutdown: %m");
	sv.shutdown = SD_SERVICES;
	if (timer_init(&sv.shutdown_timer, shutdown_bound, NULL) < 0 ||
	    timer_arm(&sv.shutdown_timer, sv.opt.shutdown_timeout_s * 1000) < 0)
		log_err("shutdown: arming its time bound: %m");
	/* onboot still running: SIGTERM makes it stop its container cleanly. */
	if (sv.phase_pid > 0 && kill(sv.phase_pid, SIGTERM) < 0 && errno != ESRCH)
		log_err("onboot: SIGTERM: %s", strerror(errno));
	supervise_shutdown_progress();
}

void shutdown_after_containerd(void)
{
	sv.shutdown = SD_ONSHUTDOWN;
	if (sv.opt.no_onboot) {
		shutdown_finish();
		return;
	}
	if (sv.phase_pid > 0)
		return; /* onboot is still stopping; its exit calls us back */
	if (phase_run("onshutdown") < 0) {
		log_err("onshutdown: %s: %s", sv.opt.onboot_bin, strerror(errno));
		shutdown_finish();
	}
}

void shutdown_finish(void)
{
	if (timeline_mark("supervisor", "phase", "shutdown", "end") < 0)
		log_debug("timeline: shutdown: %m");
	control_close();
	log_info("all stopped; exiting");
	fflush(stdout);
	exit(0);
}
