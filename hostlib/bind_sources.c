#include "hostlib/bind_sources.h"

#include "lib/state_bind.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static bool is_bind(const json_t *mount)
{
	const char *type = json_string_value(json_object_get(mount, "type"));
	if (type && strcmp(type, "bind") == 0)
		return true;
	size_t i;
	const json_t *opt;
	json_array_foreach(json_object_get(mount, "options"), i, opt)
	{
		const char *o = json_string_value(opt);
		if (o && (strcmp(o, "bind") == 0 || strcmp(o, "rbind") == 0))
			return true;
	}
	return false;
}

/* A uid or gid from process.user; absent is root. */
static int user_id(const json_t *user, const char *key, unsigned *out)
{
	const json_t *v = json_object_get(user, key);
	*out = 0;
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) >= (json_int_t)UINT32_MAX)
		return -1;
	*out = (unsigned)json_integer_value(v);
	return 0;
}

int bind_sources_create(const json_t *spec, const char *root, char *err, size_t len)
{
	const json_t *user = json_object_get(json_object_get(spec, "process"), "user");
	unsigned uid, gid;
	if (user_id(user, "uid", &uid) < 0 || user_id(user, "gid", &gid) < 0) {
		snprintf(err, len, "config.json: process.user uid and gid must be whole numbers");
		return -1;
	}
	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(spec, "mounts"), i, m)
	{
		const char *src = json_string_value(json_object_get(m, "source"));
		struct stat st;
		if (!src || !is_bind(m))
			continue;
		/* A file bind's source is the image's business, not a directory to make. */
		if (lstat(src, &st) == 0 && !S_ISDIR(st.st_mode))
			continue;
		char why[400];
		if (state_bind_source(root, src, uid, gid, 0755, why, sizeof why) < 0) {
			snprintf(err, len, "bind source %s: %s", src, why);
			return -1;
		}
	}
	return 0;
}
