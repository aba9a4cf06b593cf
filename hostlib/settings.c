#include "hostlib/settings.h"

#include "lib/error.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const ns_names[NS_COUNT] = {"net", "uts", "ipc", "pid", "mnt", "cgroup"};

void settings_defaults(struct onboot_settings *s)
{
	*s = (struct onboot_settings){
	    .on_failure = ON_FAILURE_CONTINUE,
	    .timeout_s = SETTINGS_DEFAULT_TIMEOUT,
	    .grace_s = SETTINGS_DEFAULT_GRACE,
	    .console = true,
	};
}

const char *on_failure_name(enum on_failure f)
{
	switch (f) {
	case ON_FAILURE_CONTINUE:
		return "continue";
	case ON_FAILURE_RETRY:
		return "retry";
	case ON_FAILURE_HALT:
		return "halt";
	case ON_FAILURE_POWEROFF:
		return "poweroff";
	}
	return "?";
}

static int parse_on_failure(const json_t *v, struct onboot_settings *s, char *err, size_t len)
{
	const char *text = json_string_value(v);
	if (!text)
		goto bad;
	if (strcmp(text, "continue") == 0) {
		s->on_failure = ON_FAILURE_CONTINUE;
	} else if (strcmp(text, "halt") == 0) {
		s->on_failure = ON_FAILURE_HALT;
	} else if (strcmp(text, "poweroff") == 0) {
		s->on_failure = ON_FAILURE_POWEROFF;
	} else if (strncmp(text, "retry:", 6) == 0) {
		char *end;
		errno = 0;
		unsigned long n = strtoul(text + 6, &end, 10);
		if (errno || end == text + 6 || *end || text[6] == '-' || n > 1000)
			goto bad;
		s->on_failure = ON_FAILURE_RETRY;
		s->retries = (unsigned)n;
	} else {
		goto bad;
	}
	return 0;
bad:
	return set_error(err, len,
			 "on_failure must be \"continue\", \"retry:N\" (N 0-1000), \"halt\" or "
			 "\"poweroff\"");
}

static int parse_seconds(const json_t *v, const char *key, unsigned *out, char *err, size_t len)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 86400)
		return set_error(err, len, "%s must be a whole number of seconds from 0 to 86400",
				 key);
	*out = (unsigned)json_integer_value(v);
	return 0;
}

/* A path given to a hook must be absolute: hooks run on the host. */
static const char *abs_path(const json_t *v)
{
	const char *p = json_string_value(v);
	return p && p[0] == '/' ? p : NULL;
}

static int parse_mkdirs(const json_t *v, struct runtime_hooks *h, char *err, size_t len)
{
	if (!json_is_array(v))
		return set_error(err, len, "runtime.mkdir must be an array of absolute paths");
	h->n_mkdirs = json_array_size(v);
	h->mkdirs = calloc(h->n_mkdirs + 1, sizeof *h->mkdirs);
	if (!h->mkdirs)
		return set_error(err, len, "out of memory");
	for (size_t i = 0; i < h->n_mkdirs; i++)
		if (!(h->mkdirs[i] = abs_path(json_array_get(v, i))))
			return set_error(err, len, "runtime.mkdir[%zu] must be an absolute path",
					 i);
	return 0;
}

/* Join a JSON array of strings with commas, as mount(8) takes options. */
static char *join_options(const json_t *v)
{
	size_t total = 1;
	size_t i;
	json_t *item;
	json_array_foreach(v, i, item)
	{
		if (!json_is_string(item))
			return NULL;
		total += json_string_length(item) + 1;
	}
	char *out = calloc(1, total);
	if (!out)
		return NULL;
	json_array_foreach(v, i, item)
	{
		if (i > 0)
			strcat(out, ",");
		strcat(out, json_string_value(item));
	}
	return out;
}

static int parse_mounts(const json_t *v, struct runtime_hooks *h, char *err, size_t len)
{
	if (!json_is_array(v))
		return set_error(err, len, "runtime.mounts must be an array of mounts");
	h->n_mounts = json_array_size(v);
	h->mounts = calloc(h->n_mounts + 1, sizeof *h->mounts);
	if (!h->mounts)
		return set_error(err, len, "out of memory");
	for (size_t i = 0; i < h->n_mounts; i++) {
		const json_t *m = json_array_get(v, i);
		struct hook_mount *out = &h->mounts[i];
		out->destination = abs_path(json_object_get(m, "destination"));
		out->type = json_string_value(json_object_get(m, "type"));
		out->source = json_string_value(json_object_get(m, "source"));
		if (!out->destination || !out->type)
			return set_error(
			    err, len,
			    "runtime.mounts[%zu] needs \"type\" and an absolute \"destination\"",
			    i);
		if (!out->source)
			out->source = out->type;
		const json_t *opts = json_object_get(m, "options");
		out->options = opts ? join_options(opts) : strdup("");
		if (!out->options)
			return set_error(
			    err, len, "runtime.mounts[%zu].options must be an array of strings", i);
	}
	return 0;
}

static int parse_ifaces(const json_t *v, struct runtime_hooks *h, char *err, size_t len)
{
	if (!json_is_array(v))
		return set_error(err, len, "runtime.interfaces must be an array of interfaces");
	h->n_ifaces = json_array_size(v);
	h->ifaces = calloc(h->n_ifaces + 1, sizeof *h->ifaces);
	if (!h->ifaces)
		return set_error(err, len, "out of memory");
	for (size_t i = 0; i < h->n_ifaces; i++) {
		const json_t *o = json_array_get(v, i);
		struct hook_iface *out = &h->ifaces[i];
		out->name = json_string_value(json_object_get(o, "name"));
		out->add = json_string_value(json_object_get(o, "add"));
		out->peer = json_string_value(json_object_get(o, "peer"));
		out->create_in_root = json_is_true(json_object_get(o, "createInRoot"));
		if (!out->name || strlen(out->name) >= 16 || !out->name[0])
			return set_error(err, len,
					 "runtime.interfaces[%zu].name must be 1-15 characters", i);
		if (out->add && strcmp(out->add, "veth") != 0)
			return set_error(
			    err, len, "runtime.interfaces[%zu].add must be \"veth\" or absent", i);
		if (out->add && (!out->peer || !out->peer[0] || strlen(out->peer) >= 16))
			return set_error(err, len,
					 "runtime.interfaces[%zu] adds a veth: give \"peer\" (1-15 "
					 "characters)",
					 i);
	}
	return 0;
}

static int parse_bind_ns(const json_t *v, struct runtime_hooks *h, char *err, size_t len)
{
	if (!json_is_object(v))
		return set_error(err, len,
				 "runtime.bindNS must be an object such as "
				 "{\"net\": \"/run/netns/NAME\"}");
	const char *key;
	json_t *value;
	json_object_foreach((json_t *)v, key, value)
	{
		int kind = -1;
		for (int k = 0; k < NS_COUNT; k++)
			if (strcmp(key, ns_names[k]) == 0)
				kind = k;
		if (kind < 0)
			return set_error(
			    err, len,
			    "runtime.bindNS.%s: unknown namespace (use net, uts, ipc, pid, "
			    "mnt or cgroup)",
			    key);
		if (!(h->bind_ns[kind] = abs_path(value)))
			return set_error(err, len, "runtime.bindNS.%s must be an absolute path",
					 key);
	}
	return 0;
}

static int parse_runtime(const json_t *v, struct runtime_hooks *h, char *err, size_t len)
{
	if (!json_is_object(v))
		return set_error(err, len, "runtime must be an object");
	const json_t *part;
	if ((part = json_object_get(v, "mkdir")) && parse_mkdirs(part, h, err, len) < 0)
		return -1;
	if ((part = json_object_get(v, "mounts")) && parse_mounts(part, h, err, len) < 0)
		return -1;
	if ((part = json_object_get(v, "interfaces")) && parse_ifaces(part, h, err, len) < 0)
		return -1;
	if ((part = json_object_get(v, "bindNS")) && parse_bind_ns(part, h, err, len) < 0)
		return -1;
	return 0;
}

static int parse_document(json_t *doc, struct onboot_settings *s, char *err, size_t len)
{
	if (!json_is_object(doc))
		return set_error(err, len, "stele.json must hold a JSON object");
	const json_t *v;
	if ((v = json_object_get(doc, "on_failure")) && parse_on_failure(v, s, err, len) < 0)
		return -1;
	if ((v = json_object_get(doc, "timeout")) &&
	    parse_seconds(v, "timeout", &s->timeout_s, err, len) < 0)
		return -1;
	if ((v = json_object_get(doc, "grace")) &&
	    parse_seconds(v, "grace", &s->grace_s, err, len) < 0)
		return -1;
	if ((v = json_object_get(doc, "console"))) {
		if (!json_is_boolean(v))
			return set_error(err, len, "console must be true or false");
		s->console = json_is_true(v);
	}
	if ((v = json_object_get(doc, "runtime")) && parse_runtime(v, &s->runtime, err, len) < 0)
		return -1;
	return 0;
}

static int adopt(json_t *doc, struct onboot_settings *s, char *err, size_t len)
{
	settings_defaults(s);
	s->doc = doc;
	if (parse_document(doc, s, err, len) < 0) {
		settings_free(s);
		return -1;
	}
	return 0;
}

int settings_parse(const char *text, struct onboot_settings *s, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		settings_defaults(s);
		return set_error(err, errlen, "invalid JSON at line %d: %s", jerr.line, jerr.text);
	}
	return adopt(doc, s, err, errlen);
}

int settings_load(const char *path, struct onboot_settings *s, char *err, size_t errlen)
{
	settings_defaults(s);
	if (access(path, F_OK) < 0) {
		if (errno == ENOENT)
			return 0;
		return set_error(err, errlen, "%s: %s", path, strerror(errno));
	}
	json_error_t jerr;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		return set_error(err, errlen, "%s: invalid JSON at line %d: %s", path, jerr.line,
				 jerr.text);
	if (adopt(doc, s, err, errlen) < 0) {
		char reason[256];
		snprintf(reason, sizeof reason, "%s", err);
		return set_error(err, errlen, "%s: %s", path, reason);
	}
	return 0;
}

void settings_free(struct onboot_settings *s)
{
	for (size_t i = 0; s->runtime.mounts && i < s->runtime.n_mounts; i++)
		free(s->runtime.mounts[i].options);
	free(s->runtime.mounts);
	free(s->runtime.mkdirs);
	free(s->runtime.ifaces);
	json_decref(s->doc);
	settings_defaults(s);
}
