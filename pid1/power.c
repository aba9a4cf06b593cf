#include "pid1/power.h"

#include "lib/log.h"
#include "lib/spawn.h"
#include "pid1/watchdog.h"

#include <errno.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

#define SYNC_TIMEOUT_MS 30000
#define SYNC_STEP_MS	1000

void sync_bounded(void)
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
	/* In steps, petting the watchdog: a slow sync is no hang. */
	for (int waited = 0; waited < SYNC_TIMEOUT_MS; waited += SYNC_STEP_MS) {
		watchdog_pet();
		int status;
		int r = wait_pid_timeout(pid, SYNC_STEP_MS, &status);
		if (r == 0)
			return;
		if (r < 0) {
			log_err("sync: wait: %s: going on", strerror(errno));
			return;
		}
	}
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

_Noreturn void final_reboot(enum shutdown_kind kind)
{
	int cmd = reboot_command(kind);
	watchdog_finish(kind);
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
