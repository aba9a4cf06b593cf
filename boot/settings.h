/* settings: init's configuration, from /etc/stele/init.conf overridden by
 * the kernel command line.
 *
 * Contract: init.conf holds `key=value` lines; blank lines and lines
 * starting with `#` are ignored; spaces around key and value are trimmed.
 * On the kernel command line, `stele.KEY=VALUE` sets KEY (a bare
 * `stele.KEY` sets it to "1"), `quiet` sets the key "quiet" to "1", and
 * everything after a lone `--` belongs to init's argv and is ignored.
 * Double quotes group a value with spaces, as the kernel does. The last
 * definition of a key wins, and the command line is applied after the file.
 * A bad line is reported in one line naming the file, the line and the fix;
 * parsing goes on. Keys are not checked against a list: each phase reads
 * its own (see boot/README.md), so a new phase needs no change here.
 * Strings returned stay valid until settings_free(). */
#ifndef STELE_INIT_SETTINGS_H
#define STELE_INIT_SETTINGS_H

#include "pid1/config.h"

#include <stdbool.h>
#include <stddef.h>

struct setting {
	char *key;
	char *value;
};

struct settings {
	struct setting *items;
	size_t count;
};

#define INIT_CONF_PATH "/etc/stele/init.conf"
#define CMDLINE_PATH   "/proc/cmdline"

/* Parse init.conf text; origin names it in errors. Returns the number of
 * bad lines (0 when all were good), or -1 when out of memory. */
int settings_parse_conf(struct settings *s, const char *text, const char *origin);
/* Parse a kernel command line. Returns the number of bad words, or -1. */
int settings_parse_cmdline(struct settings *s, const char *cmdline);
/* Read conf_path (absent is fine) then cmdline_path. Returns 0, or the
 * number of problems reported. */
int settings_load(struct settings *s, const char *conf_path, const char *cmdline_path);
/* Set key to value (copied), replacing an earlier value. 0, or -1. */
int settings_set(struct settings *s, const char *key, const char *value);
void settings_free(struct settings *s);

/* The value of key, or fallback when it is not set. */
const char *settings_get(const struct settings *s, const char *key, const char *fallback);
/* "1", "yes", "true", "on" (and a bare stele.KEY) are true; "0", "no",
 * "false", "off" false; anything else is reported and gives fallback. */
bool settings_get_bool(const struct settings *s, const char *key, bool fallback);
/* A decimal integer in [min, max]; anything else is reported and gives
 * fallback. */
long settings_get_long(const struct settings *s, const char *key, long min, long max,
		       long fallback);

/* Typed accessors for init's own keys; the defaults of those stele-pid1
 * gets on its argv are in pid1/config.h. */
#define VAR_SIZE_DEFAULT "25%"

bool settings_debug(const struct settings *s);
bool settings_quiet(const struct settings *s);
enum crash_action settings_crash(const struct settings *s);
const char *settings_supervisor(const struct settings *s);
int settings_shutdown_timeout_ms(const struct settings *s);
int settings_kill_timeout_ms(const struct settings *s);
/* restart_limit (0-100, 0: never give up) and restart_window (seconds):
 * the supervisor's crash loop (pid1/supervise.h). */
int settings_restart_limit(const struct settings *s);
int settings_restart_window_ms(const struct settings *s);
/* watchdog (a device, NULL when unset or empty) and watchdog_timeout
 * (seconds): pid1/watchdog.h. */
const char *settings_watchdog(const struct settings *s);
int settings_watchdog_timeout_s(const struct settings *s);
/* test_fault, checked (pid1/testfault.h): NULL when unset or bad. */
const char *settings_test_fault(const struct settings *s);

#endif
