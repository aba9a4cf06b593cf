#include "supervisor/spec.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *object_at(json_t *parent, const char *key)
{
	json_t *o = json_object_get(parent, key);
	if (json_is_object(o))
		return o;
	o = json_object();
	if (!o || json_object_set_new(parent, key, o))
		return NULL;
	return o;
}

static int set_env(json_t *process, const char *name, const char *value)
{
	json_t *env = json_object_get(process, "env");
	if (!json_is_array(env)) {
		env = json_array();
		if (!env || json_object_set_new(process, "env", env))
			return -1;
	}
	size_t name_len = strlen(name), i;
	json_t *item;
	char entry[512];
	snprintf(entry, sizeof entry, "%s=%s", name, value);
	json_array_foreach(env, i, item)
	{
		const char *s = json_string_value(item);
		if (s && strncmp(s, name, name_len) == 0 && s[name_len] == '=')
			return json_array_set_new(env, i, json_string(entry));
	}
	return json_array_append_new(env, json_string(entry));
}

static int add_notify_mount(json_t *spec, const char *notify_dir)
{
	json_t *mounts = json_object_get(spec, "mounts");
	if (!json_is_array(mounts)) {
		mounts = json_array();
		if (!mounts || json_object_set_new(spec, "mounts", mounts))
			return -1;
	}
	/* Appended last: it must land on top of the /dev tmpfs mounted before. */
	json_t *m = json_pack("{s:s, s:s, s:s, s:[s, s]}", "destination", SPEC_NOTIFY_DIR, "type",
			      "bind", "source", notify_dir, "options", "rbind", "rw");
	return m ? json_array_append_new(mounts, m) : -1;
}

/* A containerd-shim-runc-v2 daemon serves every service that names the
 * same group, the way one shim serves a pod. A spec that names a group
 * already (its YAML `annotations`) keeps it: a service can still have a
 * shim of its own. */
static int set_default_shim_group(json_t *spec, unsigned group)
{
	json_t *annotations = object_at(spec, "annotations");
	if (!annotations)
		return -1;
	if (json_object_get(annotations, SPEC_SHIM_GROUP_KEY))
		return 0;
	char value[64];
	snprintf(value, sizeof value, "%s-%u", SPEC_SHIM_GROUP, group);
	return json_object_set_new(annotations, SPEC_SHIM_GROUP_KEY, json_string(value));
}

/* Round robin over as few groups as hold SPEC_SHIM_GROUP_TASKS each, so
 * the groups differ by one service at most. */
unsigned spec_shim_group(size_t index, size_t n)
{
	size_t groups = (n + SPEC_SHIM_GROUP_TASKS - 1) / SPEC_SHIM_GROUP_TASKS;
	if (groups > SPEC_SHIM_GROUPS_MAX)
		groups = SPEC_SHIM_GROUPS_MAX;
	return groups > 1 ? (unsigned)(index % groups) : 0;
}

/* Defaults for what the spec leaves unset (spec.h): pids.max, oomScoreAdj. */
static int set_limits(json_t *linux_, json_t *process, unsigned pids)
{
	json_t *resources = object_at(linux_, "resources");
	json_t *pids_obj = resources ? object_at(resources, "pids") : NULL;
	if (!pids_obj)
		return -1;
	if (!json_is_integer(json_object_get(pids_obj, "limit")) &&
	    json_object_set_new(pids_obj, "limit", json_integer(pids)))
		return -1;
	if (!json_is_integer(json_object_get(process, "oomScoreAdj")) &&
	    json_object_set_new(process, "oomScoreAdj", json_integer(SPEC_OOM_SCORE_ADJ)))
		return -1;
	return 0;
}

char *spec_adjust(const char *spec_json, size_t len, const char *ns, const char *name,
		  const char *notify_dir, unsigned pids, unsigned shim_group, char *err,
		  size_t errlen)
{
	json_error_t jerr;
	json_t *spec = json_loadb(spec_json, len, 0, &jerr);
	if (!spec || !json_is_object(spec)) {
		snprintf(err, errlen, "line %d: %s: fix the OCI spec", spec ? 0 : jerr.line,
			 spec ? "not a JSON object" : jerr.text);
		json_decref(spec);
		return NULL;
	}
	char *out = NULL;
	json_t *process = json_object_get(spec, "process");
	if (!json_is_object(process) || !json_is_array(json_object_get(process, "args"))) {
		snprintf(err, errlen, "no process.args: the spec must say what to run");
		goto done;
	}
	json_t *linux_ = object_at(spec, "linux");
	if (!linux_ || json_object_set_new(process, "terminal", json_false()))
		goto nomem;
	if (!json_is_string(json_object_get(linux_, "cgroupsPath"))) {
		char path[256];
		snprintf(path, sizeof path, "/%s/%s", ns, name);
		if (json_object_set_new(linux_, "cgroupsPath", json_string(path)))
			goto nomem;
	}
	if (set_default_shim_group(spec, shim_group) || set_limits(linux_, process, pids))
		goto nomem;
	if (notify_dir && (add_notify_mount(spec, notify_dir) ||
			   set_env(process, "NOTIFY_SOCKET", SPEC_NOTIFY_SOCKET)))
		goto nomem;
	out = json_dumps(spec, JSON_COMPACT);
	if (!out)
		goto nomem;
	goto done;
nomem:
	snprintf(err, errlen, "out of memory while adjusting the spec");
done:
	json_decref(spec);
	return out;
}

void spec_shim_group_name(const char *spec_json, size_t len, char *buf, size_t size)
{
	json_t *spec = json_loadb(spec_json, len, 0, NULL);
	const char *name = json_string_value(
	    json_object_get(json_object_get(spec, "annotations"), SPEC_SHIM_GROUP_KEY));
	snprintf(buf, size, "%s", name ? name : "");
	json_decref(spec);
}

bool spec_binds_under(const char *spec_json, size_t len, const char *dir)
{
	json_t *spec = json_loadb(spec_json, len, 0, NULL);
	json_t *mounts = json_object_get(spec, "mounts"), *m;
	size_t i, dir_len = strlen(dir);
	bool found = false;
	json_array_foreach(mounts, i, m)
	{
		const char *src = json_string_value(json_object_get(m, "source"));
		const char *type = json_string_value(json_object_get(m, "type"));
		bool bind = type && strcmp(type, "bind") == 0;
		json_t *opt;
		size_t j;
		json_array_foreach(json_object_get(m, "options"), j, opt)
		{
			const char *o = json_string_value(opt);
			bind = bind || (o && (strcmp(o, "bind") == 0 || strcmp(o, "rbind") == 0));
		}
		if (bind && src && strncmp(src, dir, dir_len) == 0 &&
		    (src[dir_len] == '/' || src[dir_len] == '\0'))
			found = true;
	}
	json_decref(spec);
	return found;
}
