#include "hostlib/settings.h"

#include "lib/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const ns_names[NS_COUNT] = {"net", "uts", "ipc", "pid", "mnt", "cgroup", "user"};

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

/* --- checking against the table ------------------------------------- */

struct walk {
	unsigned kind;
	settings_report_fn report;
	void *ctx;
	int problems;
};

static void problem(struct walk *w, const char *path, enum schema_problem p,
		    const struct schema_field *f, const char *value)
{
	w->problems++;
	w->report(w->ctx, path, p, f, value);
}

/* PATH.KEY or PATH[INDEX] into out; a path that does not fit is cut,
 * which only shortens a message. */
static void join_key(char *out, size_t len, const char *path, const char *key)
{
	snprintf(out, len, "%s%s%s", path, *path ? "." : "", key);
}

static void join_index(char *out, size_t len, const char *path, size_t index)
{
	snprintf(out, len, "%s[%zu]", path, index);
}

static void walk_value(struct walk *w, const json_t *v, const struct schema_field *f,
		       const char *path);

static void walk_object(struct walk *w, const json_t *obj, const struct schema_field *table,
			const char *path)
{
	char sub[512];
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v)
	{
		join_key(sub, sizeof sub, path, key);
		const struct schema_field *f = schema_find(table, key);
		if (!f)
			problem(w, sub, SCHEMA_UNKNOWN, NULL, NULL);
		else if (!schema_in_scope(f, w->kind))
			problem(w, sub, SCHEMA_SCOPE, f, NULL);
		else
			walk_value(w, v, f, sub);
	}
	for (const struct schema_field *f = table; f->key; f++) {
		bool present = json_object_get(obj, f->key) != NULL;
		join_key(sub, sizeof sub, path, f->key);
		if (f->required && !present)
			problem(w, sub, SCHEMA_MISSING, f, NULL);
		const char *value = json_string_value(json_object_get(obj, f->key));
		bool applies = !f->needs_if || (value && !strcmp(value, f->needs_if));
		if (f->needs && present && applies && !json_object_get(obj, f->needs))
			problem(w, sub, SCHEMA_NEEDS, f, NULL);
	}
}

static void walk_list(struct walk *w, const json_t *v, const struct schema_field *f,
		      const char *path)
{
	if (!schema_count_ok(f, json_array_size(v)))
		problem(w, path, SCHEMA_VALUE, f, NULL);
	char sub[512];
	size_t i;
	json_t *item;
	json_array_foreach(v, i, item)
	{
		join_index(sub, sizeof sub, path, i);
		walk_value(w, item, f->item, sub);
	}
}

static void walk_map(struct walk *w, const json_t *v, const struct schema_field *f,
		     const char *path)
{
	char sub[512];
	const char *key;
	json_t *item;
	json_object_foreach((json_t *)v, key, item)
	{
		join_key(sub, sizeof sub, path, key);
		if (!schema_map_key_ok(f, key))
			problem(w, sub, SCHEMA_VALUE, f, key);
		else
			walk_value(w, item, f->item, sub);
	}
}

static void walk_value(struct walk *w, const json_t *v, const struct schema_field *f,
		       const char *path)
{
	char text[32];
	switch (f->type) {
	case SCHEMA_BOOL:
		if (!json_is_boolean(v))
			problem(w, path, SCHEMA_TYPE, f, NULL);
		break;
	case SCHEMA_INT:
		if (!json_is_integer(v)) {
			problem(w, path, SCHEMA_TYPE, f, NULL);
		} else if (!schema_int_ok(f, json_integer_value(v))) {
			snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
			problem(w, path, SCHEMA_VALUE, f, text);
		}
		break;
	case SCHEMA_STR:
		if (!json_is_string(v))
			problem(w, path, SCHEMA_TYPE, f, NULL);
		else if (!schema_str_ok(f, json_string_value(v)))
			problem(w, path, SCHEMA_VALUE, f, json_string_value(v));
		break;
	case SCHEMA_LIST:
		if (!json_is_array(v))
			problem(w, path, SCHEMA_TYPE, f, NULL);
		else
			walk_list(w, v, f, path);
		break;
	case SCHEMA_OBJ:
		if (!json_is_object(v))
			problem(w, path, SCHEMA_TYPE, f, NULL);
		else
			walk_object(w, v, f->item, path);
		break;
	case SCHEMA_MAP:
		if (!json_is_object(v))
			problem(w, path, SCHEMA_TYPE, f, NULL);
		else
			walk_map(w, v, f, path);
		break;
	case SCHEMA_UNSUPPORTED:
		problem(w, path, SCHEMA_REFUSED, f, NULL);
		break;
	}
}

int settings_check(const json_t *doc, unsigned kind, settings_report_fn report, void *ctx)
{
	struct walk w = {.kind = kind, .report = report, .ctx = ctx};
	static const struct schema_field top = {
	    .key = "", .type = SCHEMA_OBJ, .item = schema_bundle, .expected = "a JSON object"};
	walk_value(&w, doc, &top, "");
	return w.problems;
}

/* --- filling the struct from a checked document --------------------- */

static const struct schema_field *field(const char *key)
{
	return schema_find(schema_bundle, key);
}

void bundle_settings_defaults(struct bundle_settings *s, unsigned kind)
{
	*s = (struct bundle_settings){
	    .kind = kind,
	    .timeout_s = (unsigned)schema_default(field("timeout"), kind),
	    .grace_s = (unsigned)schema_default(field("grace"), kind),
	    .console = schema_default(field("console"), kind) != 0,
	    .on_failure = ON_FAILURE_CONTINUE,
	    .restart = field("restart")->def,
	    .ready = field("ready")->def,
	    .restart_limit = (unsigned)schema_default(field("restart_limit"), kind),
	    .restart_window_s = (unsigned)schema_default(field("restart_window"), kind),
	    .backoff_max_s = (unsigned)schema_default(field("backoff_max"), kind),
	    .pids = (unsigned)schema_default(field("pids"), kind),
	};
}

static unsigned uint_of(const json_t *doc, const char *key, unsigned fallback)
{
	const json_t *v = json_object_get(doc, key);
	return v ? (unsigned)json_integer_value(v) : fallback;
}

static bool bool_of(const json_t *doc, const char *key, bool fallback)
{
	const json_t *v = json_object_get(doc, key);
	return v ? json_is_true(v) : fallback;
}

static const char *string_of(const json_t *doc, const char *key, const char *fallback)
{
	const json_t *v = json_object_get(doc, key);
	return v ? json_string_value(v) : fallback;
}

static void fill_on_failure(const char *text, struct bundle_settings *s)
{
	if (strcmp(text, "halt") == 0)
		s->on_failure = ON_FAILURE_HALT;
	else if (strcmp(text, "poweroff") == 0)
		s->on_failure = ON_FAILURE_POWEROFF;
	else if (schema_retry_count(text) > 0) {
		s->on_failure = ON_FAILURE_RETRY;
		s->retries = (unsigned)schema_retry_count(text);
	} else {
		s->on_failure = ON_FAILURE_CONTINUE;
	}
}

/* A JSON array of strings, as a NULL-terminated array pointing into it. */
static const char **strings(const json_t *v, size_t *n)
{
	*n = json_array_size(v);
	const char **out = calloc(*n + 1, sizeof *out);
	for (size_t i = 0; out && i < *n; i++)
		out[i] = json_string_value(json_array_get(v, i));
	return out;
}

/* Join a JSON array of strings with commas, as mount(8) takes options. */
static char *join_options(const json_t *v)
{
	size_t total = 1, i;
	json_t *item;
	json_array_foreach(v, i, item) total += json_string_length(item) + 1;
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

static int fill_mounts(const json_t *v, struct runtime_hooks *h)
{
	h->n_mounts = json_array_size(v);
	h->mounts = calloc(h->n_mounts + 1, sizeof *h->mounts);
	if (!h->mounts)
		return -1;
	for (size_t i = 0; i < h->n_mounts; i++) {
		const json_t *m = json_array_get(v, i);
		struct hook_mount *out = &h->mounts[i];
		out->destination = string_of(m, "destination", NULL);
		out->type = string_of(m, "type", NULL);
		out->source = string_of(m, "source", out->type);
		out->options = join_options(json_object_get(m, "options"));
		if (!out->options)
			return -1;
	}
	return 0;
}

static int fill_ifaces(const json_t *v, struct runtime_hooks *h)
{
	h->n_ifaces = json_array_size(v);
	h->ifaces = calloc(h->n_ifaces + 1, sizeof *h->ifaces);
	if (!h->ifaces)
		return -1;
	for (size_t i = 0; i < h->n_ifaces; i++) {
		const json_t *o = json_array_get(v, i);
		/* LinuxKit's: a peer without add is a veth. */
		const char *veth = json_object_get(o, "peer") ? "veth" : NULL;
		h->ifaces[i] = (struct hook_iface){
		    .name = string_of(o, "name", NULL),
		    .add = string_of(o, "add", veth),
		    .peer = string_of(o, "peer", NULL),
		    .create_in_root = bool_of(o, "createInRoot", false),
		};
	}
	return 0;
}

static int fill_runtime(const json_t *v, struct runtime_hooks *h)
{
	if (!v)
		return 0;
	h->mkdirs = strings(json_object_get(v, "mkdir"), &h->n_mkdirs);
	h->cgroups = strings(json_object_get(v, "cgroups"), &h->n_cgroups);
	if (!h->mkdirs || !h->cgroups || fill_mounts(json_object_get(v, "mounts"), h) < 0 ||
	    fill_ifaces(json_object_get(v, "interfaces"), h) < 0)
		return -1;
	const char *key;
	json_t *path;
	json_object_foreach(json_object_get(v, "bindNS"), key, path)
	{
		for (int k = 0; k < NS_COUNT; k++)
			if (strcmp(key, ns_names[k]) == 0)
				h->bind_ns[k] = json_string_value(path);
	}
	return 0;
}

static int fill(const json_t *doc, struct bundle_settings *s)
{
	s->timeout_s = uint_of(doc, "timeout", s->timeout_s);
	s->grace_s = uint_of(doc, "grace", s->grace_s);
	s->console = bool_of(doc, "console", s->console);
	s->binds_state = bool_of(doc, "binds_state", s->binds_state);
	fill_on_failure(string_of(doc, "on_failure", "continue"), s);
	s->restart = string_of(doc, "restart", s->restart);
	s->ready = string_of(doc, "ready", s->ready);
	s->optional = bool_of(doc, "optional", s->optional);
	s->restart_limit = uint_of(doc, "restart_limit", s->restart_limit);
	s->restart_window_s = uint_of(doc, "restart_window", s->restart_window_s);
	s->backoff_max_s = uint_of(doc, "backoff_max", s->backoff_max_s);
	s->pids = uint_of(doc, "pids", s->pids);
	s->depends_on = strings(json_object_get(doc, "depends_on"), &s->n_depends);
	if (!s->depends_on)
		return -1;
	return fill_runtime(json_object_get(doc, "runtime"), &s->runtime);
}

/* --- parsing ---------------------------------------------------------- */

struct first_problem {
	char *err;
	size_t len;
	int seen;
};

static void keep_first(void *ctx, const char *path, enum schema_problem p,
		       const struct schema_field *f, const char *value)
{
	struct first_problem *fp = ctx;
	if (fp->seen++)
		return;
	char text[512];
	schema_problem(p, f, value, text, sizeof text);
	if (p == SCHEMA_UNKNOWN)
		snprintf(text + strlen(text), sizeof text - strlen(text),
			 "; see docs/design.md for the stele.json schema");
	if (!*path)
		set_error(fp->err, fp->len, "stele.json must hold a JSON object");
	else
		set_error(fp->err, fp->len, "\"%s\": %s", path, text);
}

static int adopt(json_t *doc, unsigned kind, struct bundle_settings *s, char *err, size_t len)
{
	bundle_settings_defaults(s, kind);
	s->doc = doc;
	struct first_problem fp = {.err = err, .len = len};
	if (settings_check(doc, kind, keep_first, &fp) > 0) {
		bundle_settings_free(s);
		return -1;
	}
	if (fill(doc, s) < 0) {
		bundle_settings_free(s);
		return set_error(err, len, "out of memory");
	}
	return 0;
}

int bundle_settings_parse(const char *text, size_t len, unsigned kind, struct bundle_settings *s,
			  char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		bundle_settings_defaults(s, kind);
		return set_error(err, errlen, "line %d: %s: fix the JSON", jerr.line, jerr.text);
	}
	return adopt(doc, kind, s, err, errlen);
}

int bundle_settings_load(const char *path, unsigned kind, struct bundle_settings *s, char *err,
			 size_t errlen)
{
	bundle_settings_defaults(s, kind);
	if (access(path, F_OK) < 0) {
		if (errno == ENOENT)
			return 0;
		return set_error(err, errlen, "%s: %s: make it readable or remove it", path,
				 strerror(errno));
	}
	json_error_t jerr;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		return set_error(err, errlen, "%s: line %d: %s: fix the JSON", path, jerr.line,
				 jerr.text);
	if (adopt(doc, kind, s, err, errlen) < 0) {
		char reason[512];
		snprintf(reason, sizeof reason, "%s", err);
		return set_error(err, errlen, "%s: %s", path, reason);
	}
	return 0;
}

void bundle_settings_free(struct bundle_settings *s)
{
	for (size_t i = 0; s->runtime.mounts && i < s->runtime.n_mounts; i++)
		free(s->runtime.mounts[i].options);
	free(s->runtime.mounts);
	free(s->runtime.mkdirs);
	free(s->runtime.cgroups);
	free(s->runtime.ifaces);
	free(s->depends_on);
	json_decref(s->doc);
	bundle_settings_defaults(s, s->kind);
}
