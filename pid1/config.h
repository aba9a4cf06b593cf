/* pid1_config: what the resident PID 1 (stele-pid1) needs to know,
 * carried from stage 1 (/sbin/init) on its argv and nowhere else, so that
 * /proc/1/cmdline shows it.
 *
 * Contract: pid1_config_to_argv() fills argv with
 *   PATH --supervisor PATH --shutdown-timeout S --kill-timeout S
 *        --crash freeze|reboot --restart-limit N --restart-window S
 *        [--watchdog DEV --watchdog-timeout S] [--test-fault FAULT]
 *        [--debug] [--quiet] --stage1 PATH
 * (times in whole seconds), pointing into cfg and argv storage: both
 * must outlive the exec. pid1_config_from_argv() reads that back over
 * pid1_config_defaults(); an unknown option or a bad value is reported in
 * one line and skipped, because PID 1 runs whatever its argv says. It
 * returns the number of problems. Strings in cfg point into argv.
 * pid1_config_apply() sets the log levels (debug: everything; quiet: only
 * notices, warnings and errors on the console, /dev/kmsg still gets all)
 * and the crash action (crash.h). */
#ifndef STELE_PID1_CONFIG_H
#define STELE_PID1_CONFIG_H

#include "pid1/crash.h"

#include <stdbool.h>

#define SUPERVISOR_DEFAULT	 "/sbin/stele-supervisor"
#define SHUTDOWN_TIMEOUT_DEFAULT 90 /* seconds */
#define KILL_TIMEOUT_DEFAULT	 10 /* seconds */

#define PID1_NAME	"stele-pid1"
#define STAGE1_DEFAULT	"/sbin/init"
#define PID1_ARGV_MAX	32
#define PID1_NUMBER_MAX 16

#define SUPERVISOR_DEFAULT	 "/sbin/stele-supervisor"
#define SHUTDOWN_TIMEOUT_DEFAULT 90 /* seconds */
#define KILL_TIMEOUT_DEFAULT	 10 /* seconds */
/* The supervisor crash-loops after this many restarts in the window. */
#define RESTART_LIMIT_DEFAULT  10
#define RESTART_WINDOW_DEFAULT 60 /* seconds */

struct pid1_config {
	const char *supervisor;
	int shutdown_timeout_ms;
	int kill_timeout_ms;
	enum crash_action crash;
	int restart_limit; /* 0: restart the supervisor forever */
	int restart_window_ms;
	const char *watchdog; /* NULL: none */
	int watchdog_timeout_s;
	const char *test_fault; /* NULL: none (testfault.h: tests only) */
	bool debug;
	bool quiet;
	const char *stage1; /* the way back: `STAGE1 --shutdown KIND` */
};

/* Storage for the numbers pid1_config_to_argv() prints. */
struct pid1_argv {
	char *argv[PID1_ARGV_MAX];
	char shutdown_s[PID1_NUMBER_MAX];
	char kill_s[PID1_NUMBER_MAX];
	char restart_limit[PID1_NUMBER_MAX];
	char restart_window_s[PID1_NUMBER_MAX];
	char watchdog_timeout_s[PID1_NUMBER_MAX];
};

void pid1_config_defaults(struct pid1_config *cfg);
/* Returns out->argv, NULL-terminated, argv[0] = path. */
char **pid1_config_to_argv(const struct pid1_config *cfg, const char *path, struct pid1_argv *out);
int pid1_config_from_argv(struct pid1_config *cfg, int argc, char **argv);
void pid1_config_apply(const struct pid1_config *cfg);

#endif
