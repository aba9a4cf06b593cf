#include "boot/settings.h"

#include "boot/readfile.h"
#include "lib/log.h"
#include "pid1/supervise.h"
#include "pid1/testfault.h"
#include "pid1/watchdog.h"
#include "schema/schema.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CMDLINE_PREFIX "stele."
/* Files read here are small by nature; a bound keeps a bad image from
 * making PID 1 allocate without limit. */
#define SETTINGS_FILE_MAX (64 * 1024)

static struct setting *settings_find(const struct settings *s, const char *key)
{
	for (size_t i = 0; i < s->count; i++)
		if (strcmp(s->items[i].key, key) == 0)
			return &s->items[i];
	return NULL;
}

int settings_set(struct settings *s, const char *key, const char *value)
{
	char *copy = strdup(value);
	if (!copy)
		return -1;
	struct setting *old = settings_find(s, key);
	if (old) {
		free(old->value);
		old->value = copy;
		return 0;
	}
	char *key_copy = strdup(key);
	struct setting *grown = reallocarray(s->items, s->count + 1, sizeof *grown);
	if (!key_copy || !grown) {
		free(copy);
		free(key_copy);
		if (grown)
			s->items = grown;
		return -1;
	}
	s->items = grown;
	s->items[s->count++] = (struct setting){.key = key_copy, .value = copy};
	return 0;
}

void settings_free(struct settings *s)
{
	for (size_t i = 0; i < s->count; i++) {
		free(s->items[i].key);
		free(s->items[i].value);
	}
	free(s->items);
	s->items = NULL;
	s->count = 0;
}

static char *trim(char *text)
{
	while (isspace((unsigned char)*text))
		text++;
	char *end = text + strlen(text);
	while (end > text && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return text;
}

/* Keys are identifiers: a typo such as "stele.=x" must not define "". */
static bool key_is_valid(const char *key)
{
	if (!*key)
		return false;
	for (; *key; key++)
		if (!isalnum((unsigned char)*key) && *key != '_' && *key != '-' && *key != '.')
			return false;
	return true;
}

static int parse_conf_line(struct settings *s, char *line, const char *origin, int lineno)
{
	char *text = trim(line);
	if (!*text || *text == '#')
		return 0;
	char *eq = strchr(text, '=');
	if (!eq) {
		log_err("%s:%d: \"%s\" is not key=value: write it as key=value or comment it "
			"out with #",
			origin, lineno, text);
		return 1;
	}
	*eq = '\0';
	char *key = trim(text);
	char *value = trim(eq + 1);
	if (!key_is_valid(key)) {
		log_err("%s:%d: bad key \"%s\": keys are letters, digits, '_', '-' and '.'", origin,
			lineno, key);
		return 1;
	}
	return settings_set(s, key, value) < 0 ? -1 : 0;
}

int settings_parse_conf(struct settings *s, const char *text, const char *origin)
{
	char *copy = strdup(text);
	if (!copy)
		return -1;
	int bad = 0, lineno = 0;
	char *save = NULL;
	/* strtok_r would skip empty lines and shift line numbers. */
	for (char *line = copy; line; line = save) {
		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		int r = parse_conf_line(s, line, origin, ++lineno);
		if (r < 0) {
			free(copy);
			return -1;
		}
		bad += r;
	}
	free(copy);
	return bad;
}

/* Split the next command-line word into out (quotes removed, as the
 * kernel's next_arg() does). Returns the rest of the line, NULL at the end. */
static const char *next_word(const char *p, char *out, size_t len)
{
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return NULL;
	bool quoted = false;
	size_t n = 0;
	for (; *p && (quoted || !isspace((unsigned char)*p)); p++) {
		if (*p == '"') {
			quoted = !quoted;
			continue;
		}
		if (n + 1 < len)
			out[n++] = *p;
	}
	out[n] = '\0';
	return p;
}

static int parse_cmdline_word(struct settings *s, char *word)
{
	if (strcmp(word, "quiet") == 0)
		return settings_set(s, "quiet", "1") < 0 ? -1 : 0;
	if (strncmp(word, CMDLINE_PREFIX, strlen(CMDLINE_PREFIX)) != 0)
		return 0;
	char *key = word + strlen(CMDLINE_PREFIX);
	char *eq = strchr(key, '=');
	const char *value = "1";
	if (eq) {
		*eq = '\0';
		value = eq + 1;
	}
	if (!key_is_valid(key)) {
		log_err("kernel command line: bad option \"%s%s\": write stele.KEY=VALUE",
			CMDLINE_PREFIX, key);
		return 1;
	}
	return settings_set(s, key, value) < 0 ? -1 : 0;
}

int settings_parse_cmdline(struct settings *s, const char *cmdline)
{
	char word[1024];
	int bad = 0;
	const char *p = cmdline;
	while ((p = next_word(p, word, sizeof word))) {
		if (strcmp(word, "--") == 0)
			break;
		int r = parse_cmdline_word(s, word);
		if (r < 0)
			return -1;
		bad += r;
	}
	return bad;
}

int settings_load(struct settings *s, const char *conf_path, const char *cmdline_path)
{
	int problems = 0;
	char *text = read_file(conf_path, SETTINGS_FILE_MAX, NULL);
	if (text) {
		int r = settings_parse_conf(s, text, conf_path);
		problems += r < 0 ? 1 : r;
		free(text);
	} else if (errno != ENOENT) {
		log_err("%s: %s: fix its permissions or remove it", conf_path, strerror(errno));
		problems++;
	}
	text = read_file(cmdline_path, SETTINGS_FILE_MAX, NULL);
	if (text) {
		int r = settings_parse_cmdline(s, text);
		problems += r < 0 ? 1 : r;
		free(text);
	} else {
		log_warn("%s: %s: kernel options ignored", cmdline_path, strerror(errno));
	}
	return problems;
}

const char *settings_get(const struct settings *s, const char *key, const char *fallback)
{
	const struct setting *found = settings_find(s, key);
	return found ? found->value : fallback;
}

bool settings_get_bool(const struct settings *s, const char *key, bool fallback)
{
	const char *v = settings_get(s, key, NULL);
	if (!v)
		return fallback;
	static const char *const yes[] = {"1", "yes", "true", "on"};
	static const char *const no[] = {"0", "no", "false", "off"};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return true;
		if (strcasecmp(v, no[i]) == 0)
			return false;
	}
	log_err("setting %s=%s: not a boolean: use 1 or 0", key, v);
	return fallback;
}

long settings_get_long(const struct settings *s, const char *key, long min, long max, long fallback)
{
	const char *v = settings_get(s, key, NULL);
	if (!v)
		return fallback;
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max) {
		log_err("setting %s=%s: not a number in [%ld, %ld]: using %ld", key, v, min, max,
			fallback);
		return fallback;
	}
	return n;
}

bool settings_debug(const struct settings *s)
{
	return settings_get_bool(s, "debug", false);
}

bool settings_quiet(const struct settings *s)
{
	return settings_get_bool(s, "quiet", false);
}

enum crash_action settings_crash(const struct settings *s)
{
	const char *v = settings_get(s, "crash", "freeze");
	if (strcmp(v, "reboot") == 0)
		return CRASH_REBOOT;
	if (strcmp(v, "freeze") != 0)
		log_err("setting crash=%s: use freeze or reboot: using freeze", v);
	return CRASH_FREEZE;
}

const char *settings_supervisor(const struct settings *s)
{
	return settings_get(s, "supervisor", SUPERVISOR_DEFAULT);
}

int settings_shutdown_timeout_ms(const struct settings *s)
{
	return (int)settings_get_long(s, "shutdown_timeout", 0, 3600, SHUTDOWN_TIMEOUT_DEFAULT) *
	       1000;
}

int settings_kill_timeout_ms(const struct settings *s)
{
	return (int)settings_get_long(s, "kill_timeout", 0, 600, KILL_TIMEOUT_DEFAULT) * 1000;
}

int settings_restart_limit(const struct settings *s)
{
	return (int)settings_get_long(s, "restart_limit", 0, RESTART_LIMIT_MAX,
				      RESTART_LIMIT_DEFAULT);
}

int settings_restart_window_ms(const struct settings *s)
{
	return (int)settings_get_long(s, "restart_window", 1, 86400, RESTART_WINDOW_DEFAULT) * 1000;
}

const char *settings_watchdog(const struct settings *s)
{
	const char *v = settings_get(s, "watchdog", NULL);
	return v && *v ? v : NULL;
}

/* The YAML's watchdog.timeout is checked against the schema's bound. */
_Static_assert(WATCHDOG_TIMEOUT_MAX == SCHEMA_WATCHDOG_TIMEOUT_MAX,
	       "pid1/watchdog.h and schema/schema.h disagree on watchdog_timeout");

int settings_watchdog_timeout_s(const struct settings *s)
{
	return (int)settings_get_long(s, "watchdog_timeout", 1, WATCHDOG_TIMEOUT_MAX,
				      WATCHDOG_TIMEOUT_DEFAULT);
}

const char *settings_test_fault(const struct settings *s)
{
	const char *v = settings_get(s, "test_fault", NULL);
	struct test_fault fault;
	if (!v || !*v)
		return NULL;
	if (test_fault_parse(v, &fault) < 0) {
		log_err("setting test_fault=%s: use segv, signalfd or freeze:SECONDS: ignored", v);
		return NULL;
	}
	return v;
}
