#include "boot/handoff.h"

#include "lib/log.h"
#include "lib/timeline.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* This binary's path, as the next exec will find it: /proc/self/exe is
 * resolved against our root, so a chroot or the moved root is fine. */
static const char *own_path(void)
{
	static char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	if (n <= 0 || path[0] != '/') {
		log_warn("readlink /proc/self/exe: %s: assuming %s",
			 n < 0 ? strerror(errno) : "not a path", STAGE1_DEFAULT);
		return STAGE1_DEFAULT;
	}
	path[n] = '\0';
	return path;
}

void handoff_config(const struct settings *settings, struct pid1_config *cfg)
{
	pid1_config_defaults(cfg);
	cfg->supervisor = settings_supervisor(settings);
	cfg->shutdown_timeout_ms = settings_shutdown_timeout_ms(settings);
	cfg->kill_timeout_ms = settings_kill_timeout_ms(settings);
	cfg->crash = settings_crash(settings);
	cfg->restart_limit = settings_restart_limit(settings);
	cfg->restart_window_ms = settings_restart_window_ms(settings);
	cfg->watchdog = settings_watchdog(settings);
	cfg->watchdog_timeout_s = settings_watchdog_timeout_s(settings);
	cfg->test_fault = settings_test_fault(settings);
	cfg->debug = settings_debug(settings);
	cfg->quiet = settings_quiet(settings);
	cfg->stage1 = own_path();
	/* The supervisor bounds its own shutdown by the time PID 1 gives it. */
	char seconds[16];
	snprintf(seconds, sizeof seconds, "%d", cfg->shutdown_timeout_ms / 1000);
	if (setenv(SHUTDOWN_TIMEOUT_ENV, seconds, 1) < 0)
		log_err("setenv " SHUTDOWN_TIMEOUT_ENV ": %s", strerror(errno));
}

/* dirname(stage1) + "/stele-pid1". */
static int pid1_path(const char *stage1, char *out, size_t len)
{
	const char *slash = strrchr(stage1, '/');
	int dir = slash ? (int)(slash - stage1) : 0;
	int n = snprintf(out, len, "%.*s/" PID1_NAME, dir, stage1);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

void handoff_exec(const struct pid1_config *cfg)
{
	char path[PATH_MAX];
	if (pid1_path(cfg->stage1, path, sizeof path) < 0) {
		log_err("cannot run " PID1_NAME " next to %s: %s: %s stays PID 1", cfg->stage1,
			strerror(errno), cfg->stage1);
		return;
	}
	struct pid1_argv storage;
	char **argv = pid1_config_to_argv(cfg, path, &storage);
	timeline_mark("init", "mark", PID1_NAME, "exec");
	log_debug("exec %s", path);
	execve(path, argv, environ);
	int why = errno;
	timeline_mark("init", "mark", PID1_NAME, "failed");
	log_err("cannot run %s: %s: %s stays PID 1 (install " PID1_NAME " next to it)", path,
		strerror(why), cfg->stage1);
}
