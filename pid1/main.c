/* stele-pid1: the resident PID 1. Stage 1 (/sbin/init) boots the host and
 * execs this; it starts and restarts the supervisor, reaps every process
 * and, on a shutdown request, stops the processes and execs stage 1 again
 * as `init --shutdown KIND` for the filesystems. Built with musl, small:
 * its pages are PID 1's memory for the whole life of the host
 * (boot/handoff.h). Its settings come on argv only (config.h). */
#include "pid1/config.h"
#include "pid1/crash.h"
#include "pid1/eventloop.h"
#include "pid1/power.h"
#include "pid1/signals.h"
#include "pid1/watchdog.h"

#include "lib/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The filesystem part needs libmount: stage 1 has it. Without stage 1 the
 * host still goes down, with its filesystems synced but mounted. */
static void back_to_stage1(enum shutdown_kind kind, void *ctx)
{
	const struct pid1_config *cfg = ctx;
	char *argv[6] = {(char *)cfg->stage1, "--shutdown", (char *)shutdown_kind_name(kind)};
	/* The watchdog goes on to stage 1, which pets it to the end. */
	char fd_text[16];
	int watchdog = watchdog_pass_on();
	if (watchdog >= 0) {
		snprintf(fd_text, sizeof fd_text, "%d", watchdog);
		argv[3] = WATCHDOG_FD_OPTION;
		argv[4] = fd_text;
	}
	log_debug("exec %s --shutdown %s", cfg->stage1, argv[2]);
	execve(cfg->stage1, argv, environ);
	log_err("cannot run %s --shutdown %s: %s: syncing and going down without unmounting "
		"(install stage 1 at %s)",
		cfg->stage1, argv[2], strerror(errno), cfg->stage1);
	sync_bounded();
	final_reboot(kind);
}

int main(int argc, char **argv)
{
	if (getpid() != 1) {
		log_init_host(PID1_NAME);
		log_err("must run as PID 1: /sbin/init runs it at the end of "
			"boot (to try it: unshare --pid --fork --mount, then /sbin/init)");
		return 1;
	}
	log_init("stele");
	crash_install(CRASH_FREEZE);
	signals_block();
	static struct pid1_config cfg;
	pid1_config_defaults(&cfg);
	pid1_config_from_argv(&cfg, argc, argv);
	pid1_config_apply(&cfg);
	eventloop_run(&cfg, back_to_stage1, &cfg);
}
