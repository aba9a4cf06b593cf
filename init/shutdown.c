#include "shutdown.h"

#include "log.h"
#include "reap.h"
#include "spawn.h"
#include "state.h"
#include "timeline.h"
#include "unmount.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

#define KILL_GRACE_MS	5000
#define SYNC_TIMEOUT_MS 30000

struct waiting {
	struct supervised *sv;
	bool none_left;
};

static void on_child_exit(pid_t pid, int status, void *ctx)
{
	struct waiting *w = ctx;
	supervised_exited(w->sv, pid, status, true);
}

/* Reap until done() or timeout_ms pass. More shutdown requests change
 * nothing: the first one is already being carried out. */
static bool reap_until(struct signal_source *src, struct waiting *w, int timeout_ms,
		       bool (*done)(const struct waiting *))
{
	double deadline = boottime_ms() + timeout_ms;
	for (;;) {
		reap_all(on_child_exit, w, &w->none_left);
		if (done(w))
			return true;
		double left = deadline - boottime_ms();
		if (left <= 0)
			return false;
		int signo = signals_next(src, (int)left + 1);
		if (signo < 0)
			return false;
		if (signo != SIGCHLD && signo != 0)
			log_info("shutdown already under way: signal %d ignored", signo);
	}
}

static bool supervisor_gone(const struct waiting *w)
{
	return w->sv->pid <= 0;
}

static bool no_child_left(const struct waiting *w)
{
	return w->none_left;
}

static void stop_supervisor(struct signal_source *src, struct waiting *w, int timeout_ms)
{
	if (w->sv->pid <= 0)
		return;
	if (kill(w->sv->pid, SIGTERM) < 0 && errno != ESRCH)
		log_err("stop %s: kill: %s", w->sv->path, strerror(errno));
	if (!reap_until(src, w, timeout_ms, supervisor_gone))
		log_err("%s did not stop within %d s: killing every process", w->sv->path,
			timeout_ms / 1000);
}

static void kill_everything(struct signal_source *src, struct waiting *w, int timeout_ms)
{
	if (kill(-1, SIGTERM) < 0 && errno != ESRCH)
		log_err("kill -1 TERM: %s", strerror(errno));
	if (reap_until(src, w, timeout_ms, no_child_left))
		return;
	log_warn("processes still running after %d s: sending SIGKILL", timeout_ms / 1000);
	if (kill(-1, SIGKILL) < 0 && errno != ESRCH)
		log_err("kill -1 KILL: %s", strerror(errno));
	if (!reap_until(src, w, KILL_GRACE_MS, no_child_left))
		log_err("processes survive SIGKILL (stuck in the kernel): going on");
}

static void sync_bounded(void)
{
	pid_t pid = fork();
	if (pid < 0) {
		log_err("sync: fork: %s: syncing from PID 1", strerror(errno));
		sync();
		return;
	}
	if (pid == 0) {
		sync();
		_exit(0);
	}
	int status;
	if (wait_pid_timeout(pid, SYNC_TIMEOUT_MS, &status) != 0)
		log_err("sync did not finish within %d s: going on", SYNC_TIMEOUT_MS / 1000);
}

static int reboot_command(enum shutdown_kind kind)
{
	switch (kind) {
	case SHUTDOWN_POWEROFF:
		return RB_POWER_OFF;
	case SHUTDOWN_HALT:
		return RB_HALT_SYSTEM;
	default:
		return RB_AUTOBOOT;
	}
}

_Noreturn static void final_reboot(enum shutdown_kind kind)
{
	int cmd = reboot_command(kind);
	log_notice("%s", shutdown_kind_name(kind));
	pid_t pid = fork();
	if (pid == 0) {
		reboot(cmd);
		_exit(1);
	}
	if (pid < 0) {
		/* Last resort: for restart the kernel does not end the caller. */
		reboot(cmd);
	}
	int status;
	if (pid > 0 && waitpid(pid, &status, 0) == pid)
		log_err("reboot(2) failed in the child (%d): freezing", status);
	else
		log_err("reboot(2): %s: freezing", strerror(errno));
	for (;;)
		pause();
}

void shutdown_run(struct signal_source *src, struct supervised *sv, enum shutdown_kind kind,
		  struct settings *settings)
{
	log_info("shutdown: %s", shutdown_kind_name(kind));
	timeline_mark("init", "phase", "shutdown", "start");
	struct waiting w = {.sv = sv};
	stop_supervisor(src, &w, settings_shutdown_timeout_ms(settings));
	kill_everything(src, &w, settings_kill_timeout_ms(settings));
	timeline_mark("init", "phase", "shutdown", "end");
	sync_bounded();
	/* The state volume first, by its own rules (state.h); then the rest. */
	if (state_volume_shutdown(settings) < 0)
		log_err("state volume: left as it is, the generic unmount tries again");
	int left = unmount_all();
	if (left > 0)
		log_err("%d filesystems stay mounted read-write", left);
	final_reboot(kind);
}
