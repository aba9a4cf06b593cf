#include "supervisor/svcconf.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SECONDS 86400

void svcconf_defaults(struct svcconf *c)
{
	memset(c, 0, sizeof *c);
	struct restart_policy p = RESTART_POLICY_DEFAULT;
	c->restart = p;
	c->ready = READY_RUNNING;
	c->timeout_s = 60;
	c->grace_s = 10;
}

void svcconf_free(struct svcconf *c)
{
	for (size_t i = 0; i < c->n_depends; i++)
		free(c->depends_on[i]);
	free(c->depends_on);
	c->depends_on = NULL;
	c->n_depends = 0;
}

static int bad(char *err, size_t errlen, const char *source, const char *key, const char *fix)
{
	snprintf(err, errlen, "%s: \"%s\" %s", source, key, fix);
	return -1;
}

static int get_seconds(json_t *v, int min, int *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > MAX_SECONDS)
		return -1;
	*out = (int)json_integer_value(v);
	return 0;
}

bool service_name_valid(const char *s)
{
	if (!*s || strlen(s) > 63 || *s == '.')
		return false;
	for (; *s; s++)
		if (!(('a' <= *s && *s <= 'z') || ('A' <= *s && *s <= 'Z') ||
		      ('0' <= *s && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

static int parse_depends(json_t *v, const char *source, struct svcconf *c, char *err, size_t errlen)
{
	if (!json_is_array(v))
		return bad(err, errlen, source, "depends_on", "must be a list of service names");
	c->depends_on = calloc(json_array_size(v) + 1, sizeof *c->depends_on);
	if (!c->depends_on)
		return bad(err, errlen, source, "depends_on", "does not fit in memory");
	size_t i;
	json_t *item;
	json_array_foreach(v, i, item)
	{
		if (!json_is_string(item) || !service_name_valid(json_string_value(item)))
			return bad(err, errlen, source, "depends_on",
				   "must hold service names (letters, digits, - _ .)");
		c->depends_on[c->n_depends] = strdup(json_string_value(item));
		if (!c->depends_on[c->n_depends])
			return bad(err, errlen, source, "depends_on", "does not fit in memory");
		c->n_depends++;
	}
	return 0;
}

/* runtime.mkdir and runtime.mounts are done before the container exists
 * (prepare.c parses them, with onboot's parser); interfaces and bindNS need
 * the task's pid between Tasks.Create and Tasks.Start, which the start chain
 * does not stop at: they are onboot-only, and saying so beats ignoring them. */
static int check_runtime(json_t *v, const char *source, char *err, size_t errlen)
{
	if (!json_is_object(v))
		return bad(err, errlen, source, "runtime",
			   "must be an object (see docs/design.md)");
	const char *key;
	json_t *part;
	json_object_foreach(v, key, part)
	{
		if (strcmp(key, "interfaces") == 0 || strcmp(key, "bindNS") == 0) {
			snprintf(err, errlen,
				 "%s: \"runtime.%s\" is for onboot containers only: move the "
				 "network setup to an onboot container or use the host's network",
				 source, key);
			return -1;
		}
		if (strcmp(key, "mkdir") != 0 && strcmp(key, "mounts") != 0) {
			snprintf(err, errlen,
				 "%s: \"runtime.%s\" is not a runtime hook: use mkdir or mounts",
				 source, key);
			return -1;
		}
	}
	return 0;
}

static int parse_key(const char *key, json_t *v, const char *source, struct svcconf *c, char *err,
		     size_t errlen)
{
	int secs;
	if (strcmp(key, "restart") == 0) {
		if (!json_is_string(v) ||
		    restart_mode_parse(json_string_value(v), &c->restart.mode))
			return bad(err, errlen, source, key,
				   "must be \"always\", \"on-failure\" or \"never\"");
	} else if (strcmp(key, "ready") == 0) {
		const char *s = json_string_value(v);
		if (s && strcmp(s, "running") == 0)
			c->ready = READY_RUNNING;
		else if (s && strcmp(s, "notify") == 0)
			c->ready = READY_NOTIFY;
		else
			return bad(err, errlen, source, key, "must be \"running\" or \"notify\"");
	} else if (strcmp(key, "depends_on") == 0) {
		return parse_depends(v, source, c, err, errlen);
	} else if (strcmp(key, "timeout") == 0) {
		if (get_seconds(v, 1, &c->timeout_s))
			return bad(err, errlen, source, key, "must be whole seconds, 1 to 86400");
	} else if (strcmp(key, "grace") == 0) {
		if (get_seconds(v, 0, &c->grace_s))
			return bad(err, errlen, source, key, "must be whole seconds, 0 to 86400");
	} else if (strcmp(key, "restart_limit") == 0) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > RESTART_MAX_LIMIT)
			return bad(err, errlen, source, key, "must be a count from 1 to 64");
		c->restart.limit = (int)json_integer_value(v);
	} else if (strcmp(key, "restart_window") == 0) {
		if (get_seconds(v, 1, &secs))
			return bad(err, errlen, source, key, "must be whole seconds, 1 to 86400");
		c->restart.window_ms = secs * 1000;
	} else if (strcmp(key, "backoff_max") == 0) {
		if (get_seconds(v, 1, &secs))
			return bad(err, errlen, source, key, "must be whole seconds, 1 to 86400");
		c->restart.max_ms = secs * 1000;
	} else if (strcmp(key, "optional") == 0 || strcmp(key, "binds_state") == 0) {
		if (!json_is_boolean(v))
			return bad(err, errlen, source, key, "must be true or false");
		*(key[0] == 'o' ? &c->optional : &c->binds_state) = json_is_true(v);
	} else if (strcmp(key, "runtime") == 0) {
		return check_runtime(v, source, err, errlen);
	} else if (strcmp(key, "on_failure") != 0 && strcmp(key, "console") != 0) {
		return bad(err, errlen, source, key,
			   "is not a stele.json key: see docs/design.md for the schema");
	}
	return 0;
}

int svcconf_parse(const char *json, size_t len, const char *source, struct svcconf *c, char *err,
		  size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(err, errlen, "%s: line %d: %s: fix the JSON", source, jerr.line,
			 jerr.text);
		return -1;
	}
	int rc = 0;
	if (!json_is_object(root)) {
		rc = bad(err, errlen, source, "(top level)", "must be a JSON object");
	} else {
		const char *key;
		json_t *v;
		json_object_foreach(root, key, v)
		{
			rc = parse_key(key, v, source, c, err, errlen);
			if (rc)
				break;
		}
	}
	json_decref(root);
	return rc;
}

int svcconf_load(const char *path, struct svcconf *c, char *err, size_t errlen)
{
	svcconf_defaults(c);
	FILE *f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s: make it readable or remove it", path,
			 strerror(errno));
		return -1;
	}
	char buf[65536];
	size_t n = fread(buf, 1, sizeof buf, f);
	int read_error = ferror(f);
	fclose(f);
	if (read_error || n == sizeof buf) {
		snprintf(err, errlen, "%s: %s: keep it under 64 KiB and readable", path,
			 read_error ? "read error" : "too large");
		return -1;
	}
	return svcconf_parse(buf, n, path, c, err, errlen);
}
