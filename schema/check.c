/* The checks every reader of the tables shares: one predicate per rule,
 * one wording per problem. */
#include "schema/schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct schema_field *schema_find(const struct schema_field *table, const char *key)
{
	for (; table && table->key; table++)
		if (strcmp(table->key, key) == 0)
			return table;
	return NULL;
}

const struct schema_field *schema_state_by_conf(const char *conf_key)
{
	static const struct schema_field *const tables[] = {schema_state, schema_watchdog};
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (const struct schema_field *f = tables[t]; f->key; f++)
			if (strcmp(f->conf_key, conf_key) == 0)
				return f;
	return NULL;
}

bool schema_in_scope(const struct schema_field *f, unsigned kind)
{
	return f->scope == 0 || (f->scope & kind) != 0;
}

long long schema_default(const struct schema_field *f, unsigned kind)
{
	return kind == SCHEMA_SERVICE ? f->def_service : f->def_onboot;
}

bool schema_int_ok(const struct schema_field *f, long long v)
{
	return f->type == SCHEMA_INT && v >= f->min && v <= f->max;
}

bool schema_count_ok(const struct schema_field *f, size_t n)
{
	return f->type == SCHEMA_LIST && (long long)n >= f->min && (long long)n <= f->max;
}

static bool listed(const char *const *values, const char *s)
{
	for (; values && *values; values++)
		if (strcmp(*values, s) == 0)
			return true;
	return false;
}

bool schema_map_key_ok(const struct schema_field *f, const char *key)
{
	return f->type == SCHEMA_MAP && listed(f->values, key);
}

long schema_retry_count(const char *s)
{
	if (strncmp(s, "retry:", 6) != 0 || s[6] < '1' || s[6] > '9')
		return -1;
	char *end;
	errno = 0;
	long n = strtol(s + 6, &end, 10);
	return errno || *end || n < 1 || n > SCHEMA_RETRY_MAX ? -1 : n;
}

bool schema_name_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > SCHEMA_NAME_MAX || s[0] == '.')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

/* No ".." component: a mountpoint must not climb out of where it says. */
static bool climbs(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")); p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return true;
	return false;
}

static bool rule_ok(enum schema_rule rule, const char *s)
{
	switch (rule) {
	case SCHEMA_TEXT:
		return true;
	case SCHEMA_ABS_PATH:
		return s[0] == '/';
	case SCHEMA_NAME:
		return schema_name_valid(s);
	case SCHEMA_RETRY:
		return schema_retry_count(s) > 0;
	case SCHEMA_DEVICE:
		return s[0] == '/' || (strncmp(s, "LABEL=", 6) == 0 && s[6]) ||
		       (strncmp(s, "UUID=", 5) == 0 && s[5]);
	case SCHEMA_MOUNTPOINT:
		return s[0] == '/' && strcmp(s, "/") != 0 && !climbs(s);
	}
	return false;
}

bool schema_str_ok(const struct schema_field *f, const char *s)
{
	size_t n = strlen(s);
	if (f->type != SCHEMA_STR || (long long)n < f->min || (long long)n > f->max)
		return false;
	if (listed(f->values, s))
		return true;
	/* values alone: nothing else; values and a rule: either. */
	if (f->values && f->rule == SCHEMA_TEXT)
		return false;
	return rule_ok(f->rule, s);
}

int schema_conf_bool(const char *text, bool *out)
{
	static const char *const yes[] = {"1", "true", "yes", "on"};
	static const char *const no[] = {"0", "false", "no", "off"};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		if (strcasecmp(text, yes[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(text, no[i]) == 0)
			return *out = false, 0;
	}
	return -1;
}

/* init.conf lines are trimmed and end at a newline: a value with control
 * characters or spaces around it would not reach init as written. */
static bool conf_text_ok(const char *s)
{
	size_t n = strlen(s);
	if (n > SCHEMA_CONF_TEXT_MAX || (n && (s[0] == ' ' || s[n - 1] == ' ')))
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

bool schema_conf_ok(const struct schema_field *f, const char *text)
{
	if (!conf_text_ok(text))
		return false;
	bool b;
	switch (f->type) {
	case SCHEMA_BOOL:
		return schema_conf_bool(text, &b) == 0;
	case SCHEMA_INT: {
		char *end;
		errno = 0;
		long long v = strtoll(text, &end, 10);
		return *text && !errno && !*end && schema_int_ok(f, v);
	}
	case SCHEMA_STR:
		return schema_str_ok(f, text);
	default:
		return false;
	}
}

char *schema_problem(enum schema_problem p, const struct schema_field *f, const char *value,
		     char *out, size_t len)
{
	const char *expected = f ? f->expected : "";
	switch (p) {
	case SCHEMA_OK:
		snprintf(out, len, "ok");
		break;
	case SCHEMA_UNKNOWN:
		snprintf(out, len, "unknown key");
		break;
	case SCHEMA_SCOPE:
		snprintf(out, len, "%s", f->scope_fix ? f->scope_fix : "not for this container");
		break;
	case SCHEMA_TYPE:
		snprintf(out, len, "expected %s", expected);
		break;
	case SCHEMA_VALUE:
		if (value)
			snprintf(out, len, "\"%.80s\" is not valid; expected %s", value, expected);
		else
			snprintf(out, len, "expected %s", expected);
		break;
	case SCHEMA_MISSING:
		snprintf(out, len, "missing; expected %s", expected);
		break;
	case SCHEMA_NEEDS:
		if (f->needs_if)
			snprintf(out, len, "\"%s\" needs %s beside it", f->needs_if, f->needs);
		else
			snprintf(out, len, "needs %s beside it", f->needs);
		break;
	case SCHEMA_REFUSED:
		snprintf(out, len, "%s", expected);
		break;
	}
	return out;
}
