/* early: the rule of early.h, applied to parsed specs. */
#include "supervisor/early.h"

#include "containerd/ctrd.h"
#include "hostlib/settings.h"
#include "schema/schema.h"

#include <dirent.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The path with symlinks resolved when it exists, as written otherwise. */
static void canonical(const char *path, char *out, size_t len)
{
	char buf[PATH_MAX];
	snprintf(out, len, "%s", realpath(path, buf) ? buf : path);
	size_t n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
}

/* a is b, or one lies under the other. */
static bool overlap(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;
	if (strncmp(a, b, n) != 0)
		return false;
	if (la == lb)
		return true;
	const char *longer = la > lb ? a : b;
	return n == 1 || longer[n] == '/'; /* n == 1: one of them is "/" */
}

static bool has_option(const json_t *options, const char *want)
{
	size_t i;
	const json_t *o;
	json_array_foreach(options, i, o)
	{
		if (json_is_string(o) && strcmp(json_string_value(o), want) == 0)
			return true;
	}
	return false;
}

static bool is_bind(const json_t *m)
{
	const json_t *options = json_object_get(m, "options");
	const char *type = json_string_value(json_object_get(m, "type"));
	return (type && strcmp(type, "bind") == 0) || has_option(options, "bind") ||
	       has_option(options, "rbind");
}

static void add_write(struct early_reach *r, const char *path, const char *owner)
{
	struct early_path *w = realloc(r->writes, (r->n_writes + 1) * sizeof *w);
	if (!w) {
		snprintf(r->unreadable, sizeof r->unreadable, "out of memory");
		return;
	}
	r->writes = w;
	canonical(path, w[r->n_writes].path, sizeof w[r->n_writes].path);
	snprintf(w[r->n_writes].owner, sizeof w[r->n_writes].owner, "%.60s", owner);
	r->n_writes++;
}

static bool caps_have_sys_admin(const json_t *spec)
{
	const json_t *caps = json_object_get(json_object_get(spec, "process"), "capabilities");
	const char *key;
	const json_t *set;
	json_object_foreach((json_t *)caps, key, set)
	{
		if (has_option(set, "CAP_SYS_ADMIN"))
			return true;
	}
	return false;
}

static void load_one(struct early_reach *r, const char *dir, const char *name)
{
	char err[300], path[PATH_MAX + 16];
	size_t len = 0;
	char *raw = ctrd_bundle_spec(dir, &len, err, sizeof err);
	json_t *spec = raw ? json_loadb(raw, len, 0, NULL) : NULL;
	free(raw);
	struct bundle_settings s;
	snprintf(path, sizeof path, "%s/stele.json", dir);
	if (!spec || bundle_settings_load(path, SCHEMA_ONBOOT, &s, err, sizeof err) < 0) {
		snprintf(r->unreadable, sizeof r->unreadable, "onboot container %.60s: %.120s",
			 name, spec ? err : "config.json unreadable");
		json_decref(spec);
		return;
	}
	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(spec, "mounts"), i, m)
	{
		const char *src = json_string_value(json_object_get(m, "source"));
		if (src && is_bind(m) && !has_option(json_object_get(m, "options"), "ro"))
			add_write(r, src, name);
	}
	/* What the host side makes or mounts over is written too. */
	for (i = 0; i < s.runtime.n_mkdirs; i++)
		add_write(r, s.runtime.mkdirs[i], name);
	for (i = 0; i < s.runtime.n_mounts; i++)
		add_write(r, s.runtime.mounts[i].destination, name);
	for (i = 0; i < NS_COUNT; i++)
		if (s.runtime.bind_ns[i])
			add_write(r, s.runtime.bind_ns[i], name);
	if (!r->mounts_changer[0] && caps_have_sys_admin(spec))
		snprintf(r->mounts_changer, sizeof r->mounts_changer, "%.60s", name);
	bundle_settings_free(&s);
	json_decref(spec);
}

void early_reach_load(const char *onboot_dir, struct early_reach *r)
{
	memset(r, 0, sizeof *r);
	DIR *d = onboot_dir ? opendir(onboot_dir) : NULL;
	if (!d)
		return; /* no onboot containers: nothing onboot runs can reach */
	struct dirent *e;
	while ((e = readdir(d)) && !r->unreadable[0]) {
		if (e->d_name[0] == '.')
			continue;
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "%s/%s", onboot_dir, e->d_name);
		load_one(r, dir, e->d_name);
	}
	closedir(d);
}

void early_reach_free(struct early_reach *r)
{
	free(r->writes);
	memset(r, 0, sizeof *r);
}

/* A path of the service that an onboot container can write. */
static bool touched(const struct early_reach *r, const char *path, const char *what, char *why,
		    size_t len)
{
	char c[PATH_MAX];
	canonical(path, c, sizeof c);
	for (size_t i = 0; i < r->n_writes; i++) {
		if (overlap(c, r->writes[i].path)) {
			snprintf(why, len,
				 "%s %.200s meets %.200s, which onboot container %s writes", what,
				 path, r->writes[i].path, r->writes[i].owner);
			return true;
		}
	}
	return false;
}

static bool joins_by_path(const json_t *spec)
{
	size_t i;
	const json_t *ns;
	json_array_foreach(json_object_get(json_object_get(spec, "linux"), "namespaces"), i, ns)
	{
		if (json_object_get(ns, "path"))
			return true;
	}
	return false;
}

static bool paths_touched(const struct early_reach *r, const json_t *spec,
			  const struct bundle_settings *s, char *why, size_t len)
{
	const char *root =
	    json_string_value(json_object_get(json_object_get(spec, "root"), "path"));
	if (root && touched(r, root, "its root", why, len))
		return true;
	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(spec, "mounts"), i, m)
	{
		const char *src = json_string_value(json_object_get(m, "source"));
		if (!src || !is_bind(m))
			continue;
		if (r->mounts_changer[0]) {
			snprintf(why, len,
				 "it binds %.200s and onboot container %s has CAP_SYS_ADMIN", src,
				 r->mounts_changer);
			return true;
		}
		if (touched(r, src, "its bind source", why, len))
			return true;
	}
	for (i = 0; i < s->runtime.n_mkdirs; i++)
		if (touched(r, s->runtime.mkdirs[i], "its runtime.mkdir", why, len))
			return true;
	return false;
}

static bool verdict(const struct early_reach *r, const json_t *spec,
		    const struct bundle_settings *s, size_t n_depends, char *why, size_t len)
{
	const json_t *linux = json_object_get(spec, "linux");
	if (r->unreadable[0])
		snprintf(why, len, "%s", r->unreadable);
	else if (n_depends)
		snprintf(why, len, "it has depends_on");
	else if (joins_by_path(spec))
		snprintf(why, len, "it joins a namespace by path");
	else if (json_object_size(json_object_get(spec, "hooks")))
		snprintf(why, len, "it has OCI hooks");
	else if (json_object_size(json_object_get(linux, "sysctl")))
		snprintf(why, len, "it sets sysctls");
	else if (s->runtime.n_mounts)
		snprintf(why, len, "it has runtime.mounts");
	else if (!paths_touched(r, spec, s, why, len))
		return true;
	return false;
}

bool early_verdict(const struct early_reach *r, const char *spec_json, size_t len,
		   const char *service_dir, size_t n_depends, char *why, size_t whylen)
{
	char path[PATH_MAX + 16], err[300];
	json_t *spec = json_loadb(spec_json, len, 0, NULL);
	struct bundle_settings s;
	snprintf(path, sizeof path, "%s/stele.json", service_dir);
	if (!spec || bundle_settings_load(path, SCHEMA_SERVICE, &s, err, sizeof err) < 0) {
		snprintf(why, whylen, "its bundle could not be read again");
		json_decref(spec);
		return false;
	}
	bool ok = verdict(r, spec, &s, n_depends, why, whylen);
	bundle_settings_free(&s);
	json_decref(spec);
	return ok;
}
