#include "pid1/power.h"

#include "lib/bounded_call.h"
#include "lib/log.h"
#include "lib/spawn.h"
#include "pid1/watchdog.h"

#include <errno.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

#define SYNC_TIMEOUT_MS 30000

void sync_bounded(void)
{
	char why[128];
	enum bounded_outcome done = bounded_sync(SYNC_TIMEOUT_MS);
	if (done != BOUNDED_DONE)
		log_err("sync: %s; going on", bounded_why(done, SYNC_TIMEOUT_MS, why, sizeof why));
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
