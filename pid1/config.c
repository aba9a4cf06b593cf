#include "pid1/config.h"

#include "lib/log.h"
#include "pid1/supervise.h"
#include "pid1/testfault.h"
#include "pid1/watchdog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A day: longer than any sane timeout, short enough for an int of ms. */
#define TIMEOUT_MAX_S 86400

void pid1_config_defaults(struct pid1_config *cfg)
{
	*cfg = (struct pid1_config){
	    .supervisor = SUPERVISOR_DEFAULT,
	    .shutdown_timeout_ms = SHUTDOWN_TIMEOUT_DEFAULT * 1000,
	    .kill_timeout_ms = KILL_TIMEOUT_DEFAULT * 1000,
	    .crash = CRASH_FREEZE,
	    .restart_limit = RESTART_LIMIT_DEFAULT,
	    .restart_window_ms = RESTART_WINDOW_DEFAULT * 1000,
	    .watchdog_timeout_s = WATCHDOG_TIMEOUT_DEFAULT,
	    .stage1 = STAGE1_DEFAULT,
	};
}

char **pid1_config_to_argv(const struct pid1_config *cfg, const char *path, struct pid1_argv *out)
{
	snprintf(out->shutdown_s, sizeof out->shutdown_s, "%d", cfg->shutdown_timeout_ms / 1000);
	snprintf(out->kill_s, sizeof out->kill_s, "%d", cfg->kill_timeout_ms / 1000);
	snprintf(out->restart_limit, sizeof out->restart_limit, "%d", cfg->restart_limit);
	snprintf(out->restart_window_s, sizeof out->restart_window_s, "%d",
		 cfg->restart_window_ms / 1000);
	snprintf(out->watchdog_timeout_s, sizeof out->watchdog_timeout_s, "%d",
		 cfg->watchdog_timeout_s);
	size_t n = 0;
	char **a = out->argv;
	a[n++] = (char *)path;
	a[n++] = "--supervisor";
	a[n++] = (char *)cfg->supervisor;
	a[n++] = "--shutdown-timeout";
	a[n++] = out->shutdown_s;
	a[n++] = "--kill-timeout";
	a[n++] = out->kill_s;
	a[n++] = "--crash";
	a[n++] = (char *)crash_action_name(cfg->crash);
	a[n++] = "--restart-limit";
	a[n++] = out->restart_limit;
	a[n++] = "--restart-window";
	a[n++] = out->restart_window_s;
	if (cfg->watchdog) {
		a[n++] = "--watchdog";
		a[n++] = (char *)cfg->watchdog;
		a[n++] = "--watchdog-timeout";
		a[n++] = out->watchdog_timeout_s;
	}
	if (cfg->test_fault) {
		a[n++] = "--test-fault";
		a[n++] = (char *)cfg->test_fault;
	}
	if (cfg->debug)
		a[n++] = "--debug";
	if (cfg->quiet)
		a[n++] = "--quiet";
	a[n++] = "--stage1";
	a[n++] = (char *)cfg->stage1;
	a[n] = NULL;
	return a;
}

/* A whole number in [min, max] into *out; else -1. */
static int parse_int(const char *text, long min, long max, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* Whole seconds in [min_s, TIMEOUT_MAX_S] into *ms; else -1. */
static int parse_seconds(const char *text, long min_s, int *ms)
{
	int s;
	if (parse_int(text, min_s, TIMEOUT_MAX_S, &s) < 0)
		return -1;
	*ms = s * 1000;
	return 0;
}

static int parse_crash(const char *text, enum crash_action *crash)
{
	if (strcmp(text, "freeze") == 0)
		*crash = CRASH_FREEZE;
	else if (strcmp(text, "reboot") == 0)
		*crash = CRASH_REBOOT;
	else
		return -1;
	return 0;
}

static int parse_test_fault(const char *text, const char **out)
{
	struct test_fault fault;
	if (test_fault_parse(text, &fault) < 0)
		return -1;
	*out = text;
	return 0;
}

/* One option that takes a value; -1 when its value is bad. */
static int set_option(struct pid1_config *cfg, const char *opt, const char *value)
{
	if (!*value)
		return -1;
	if (strcmp(opt, "--supervisor") == 0)
		cfg->supervisor = value;
	else if (strcmp(opt, "--stage1") == 0)
		cfg->stage1 = value;
	else if (strcmp(opt, "--watchdog") == 0)
		cfg->watchdog = value;
	else if (strcmp(opt, "--shutdown-timeout") == 0)
		return parse_seconds(value, 0, &cfg->shutdown_timeout_ms);
	else if (strcmp(opt, "--kill-timeout") == 0)
		return parse_seconds(value, 0, &cfg->kill_timeout_ms);
	else if (strcmp(opt, "--crash") == 0)
		return parse_crash(value, &cfg->crash);
	else if (strcmp(opt, "--restart-limit") == 0)
		return parse_int(value, 0, RESTART_LIMIT_MAX, &cfg->restart_limit);
	else if (strcmp(opt, "--restart-window") == 0)
		return parse_seconds(value, 1, &cfg->restart_window_ms);
	else if (strcmp(opt, "--watchdog-timeout") == 0)
		return parse_int(value, 1, WATCHDOG_TIMEOUT_MAX, &cfg->watchdog_timeout_s);
	else if (strcmp(opt, "--test-fault") == 0)
		return parse_test_fault(value, &cfg->test_fault);
	else
		return -1;
	return 0;
}

static bool takes_value(const char *opt)
{
	static const char *const with_value[] = {
	    "--supervisor",	"--stage1",   "--shutdown-timeout",
	    "--kill-timeout",	"--crash",    "--restart-limit",
	    "--restart-window", "--watchdog", "--watchdog-timeout",
	    "--test-fault"};
	for (size_t i = 0; i < sizeof with_value / sizeof *with_value; i++)
		if (strcmp(opt, with_value[i]) == 0)
			return true;
	return false;
}

int pid1_config_from_argv(struct pid1_config *cfg, int argc, char **argv)
{
	int problems = 0;
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		if (strcmp(opt, "--debug") == 0) {
			cfg->debug = true;
		} else if (strcmp(opt, "--quiet") == 0) {
			cfg->quiet = true;
		} else if (!takes_value(opt)) {
			log_err(PID1_NAME
				": unknown argument \"%s\": ignored (stage 1 and " PID1_NAME
				" come from different builds?)",
				opt);
			problems++;
		} else if (i + 1 >= argc) {
			log_err(PID1_NAME ": %s needs a value: the default is used", opt);
			problems++;
		} else if (set_option(cfg, opt, argv[++i]) < 0) {
			log_err(PID1_NAME ": %s %s: bad value: the default is used", opt, argv[i]);
			problems++;
		}
	}
	return problems;
}

void pid1_config_apply(const struct pid1_config *cfg)
{
	if (cfg->debug)
		log_set_level(LOG_DEBUG);
	if (cfg->quiet)
		log_set_console_level(LOG_NOTICE);
	crash_install(cfg->crash);
}
