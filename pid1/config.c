#include "pid1/config.h"

#include "pid1/crash.h"
#include "lib/log.h"

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
	    .stage1 = STAGE1_DEFAULT,
	};
}

char **pid1_config_to_argv(const struct pid1_config *cfg, const char *path, struct pid1_argv *out)
{
	snprintf(out->shutdown_s, sizeof out->shutdown_s, "%d", cfg->shutdown_timeout_ms / 1000);
	snprintf(out->kill_s, sizeof out->kill_s, "%d", cfg->kill_timeout_ms / 1000);
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
	a[n++] = cfg->crash == CRASH_REBOOT ? "reboot" : "freeze";
	if (cfg->debug)
		a[n++] = "--debug";
	if (cfg->quiet)
		a[n++] = "--quiet";
	a[n++] = "--stage1";
	a[n++] = (char *)cfg->stage1;
	a[n] = NULL;
	return a;
}

/* Whole seconds in [0, TIMEOUT_MAX_S] into *ms; else -1. */
static int parse_seconds(const char *text, int *ms)
{
	char *end;
	errno = 0;
	long s = strtol(text, &end, 10);
	if (errno || end == text || *end || s < 0 || s > TIMEOUT_MAX_S)
		return -1;
	*ms = (int)s * 1000;
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

/* One option that takes a value; -1 when its value is bad. */
static int set_option(struct pid1_config *cfg, const char *opt, const char *value)
{
	if (!*value)
		return -1;
	if (strcmp(opt, "--supervisor") == 0)
		cfg->supervisor = value;
	else if (strcmp(opt, "--stage1") == 0)
		cfg->stage1 = value;
	else if (strcmp(opt, "--shutdown-timeout") == 0)
		return parse_seconds(value, &cfg->shutdown_timeout_ms);
	else if (strcmp(opt, "--kill-timeout") == 0)
		return parse_seconds(value, &cfg->kill_timeout_ms);
	else if (strcmp(opt, "--crash") == 0)
		return parse_crash(value, &cfg->crash);
	else
		return -1;
	return 0;
}

static bool takes_value(const char *opt)
{
	static const char *const with_value[] = {"--supervisor", "--stage1", "--shutdown-timeout",
						 "--kill-timeout", "--crash"};
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
