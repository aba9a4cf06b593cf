#include "builder/spec.h"

#include "builder/seccomp.h"
#include "lib/log.h"
#include "schema/schema.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

static const char *const masked_paths[] = {
    "/proc/acpi",
    "/proc/asound",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/sys/firmware",
    "/sys/devices/virtual/powercap",
    NULL,
};

static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static const char *name_of(const json_t *c)
{
	return json_string_value(json_object_get(c, "name"));
}

static json_t *strings(const char *const *v)
{
	json_t *a = json_array();
	for (; *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

json_t *spec_merge(const json_t *entry, const json_t *image_config)
{
	json_t *labels = json_object_get(image_config, "Labels");
	const char *defaults = json_string_value(json_object_get(labels, "org.mobyproject.config"));
	json_t *merged = defaults ? json_loads(defaults, 0, NULL) : NULL;
	if (!json_is_object(merged)) {
		json_decref(merged);
		merged = json_object();
	}
	json_object_update(merged, (json_t *)entry);
	static const char *const additive[][2] = {{"binds.add", "binds"},
						  {"capabilities.add", "capabilities"}};
	for (size_t i = 0; i < 2; i++) {
		json_t *add = json_object_get(merged, additive[i][0]);
		if (!add)
			continue;
		json_t *base = json_object_get(merged, additive[i][1]);
		json_t *all = base ? json_copy(base) : json_array();
		json_array_extend(all, add);
		json_object_set_new(merged, additive[i][1], all);
		json_object_del(merged, additive[i][0]);
	}
	return merged;
}

/* Capability names, upper case with the CAP_ prefix, once each; "all"
 * and "none" expand. */
static json_t *capabilities(const json_t *list)
{
	json_t *caps = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		const char *name = json_string_value(v);
		if (strcasecmp(name, "none") == 0) {
			json_array_clear(caps);
			continue;
		}
		for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++) {
			char *n = cap_to_name(c);
			char upper[64];
			size_t k;
			for (k = 0; n[k] && k < sizeof upper - 1; k++)
				upper[k] = (char)toupper((unsigned char)n[k]);
			upper[k] = '\0';
			cap_free(n);
			bool want = strcasecmp(name, "all") == 0 || strcasecmp(name, upper) == 0 ||
				    strcasecmp(name, upper + 4) == 0;
			bool have = false;
			size_t j;
			json_t *x;
			json_array_foreach(caps, j, x) have |=
			    strcmp(json_string_value(x), upper) == 0;
			if (want && !have)
				json_array_append_new(caps, json_string(upper));
		}
	}
	return caps;
}

/* Look NAME up in ROOTFS/etc/passwd or group: field 3 is the id, and for
 * passwd field 4 the primary gid. */
static long lookup_id(const char *rootfs, const char *file, const char *name, long *gid)
{
	char path[4096], line[1024];
	snprintf(path, sizeof path, "%s/etc/%s", rootfs, file);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	long id = -1;
	while (fgets(line, sizeof line, f)) {
		char *save, *user = strtok_r(line, ":", &save);
		if (!user || strcmp(user, name) != 0)
			continue;
		strtok_r(NULL, ":", &save);
		char *uid = strtok_r(NULL, ":", &save), *g = strtok_r(NULL, ":", &save);
		if (uid)
			id = strtol(uid, NULL, 10);
		if (gid && g)
			*gid = strtol(g, NULL, 10);
		break;
	}
	fclose(f);
	return id;
}

/* A uid/gid given as a number or a name. */
static int resolve_id(const json_t *v, const char *rootfs, const char *file, long *id, long *gid)
{
	if (json_is_integer(v)) {
		*id = (long)json_integer_value(v);
		return 0;
	}
	const char *s = json_string_value(v);
	char *end;
	*id = strtol(s, &end, 10);
	if (*s && !*end)
		return 0;
	*id = lookup_id(rootfs, file, s, gid);
	return *id < 0 ? -1 : 0;
}

static json_t *user(const json_t *c, const json_t *image, const char *rootfs)
{
	long uid = 0, gid = 0, primary = -1;
	const char *image_user = json_string_value(json_object_get(image, "User"));
	char buf[256] = "";
	json_t *u = json_object_get(c, "uid"), *g = json_object_get(c, "gid");
	json_t *iu = NULL, *ig = NULL;
	if (image_user && *image_user) {
		snprintf(buf, sizeof buf, "%s", image_user);
		char *colon = strchr(buf, ':');
		if (colon) {
			*colon = '\0';
			ig = json_string(colon + 1);
		}
		iu = json_string(buf);
	}
	json_t *res = NULL;
	const json_t *uv = u ? u : iu, *gv = g ? g : ig;
	if (uv && resolve_id(uv, rootfs, "passwd", &uid, &primary) < 0) {
		log_err("%s: uid \"%s\" is not in the image's /etc/passwd; use a number",
			name_of(c), json_string_value(uv));
		goto out;
	}
	if (gv && resolve_id(gv, rootfs, "group", &gid, NULL) < 0) {
		log_err("%s: gid \"%s\" is not in the image's /etc/group; use a number", name_of(c),
			json_string_value(gv));
		goto out;
	}
	if (!gv && primary >= 0)
		gid = primary;
	res = json_pack("{s:I,s:I}", "uid", (json_int_t)uid, "gid", (json_int_t)gid);
	json_t *extra = json_object_get(c, "additionalGids");
	if (json_array_size(extra)) {
		json_t *gids = json_array();
		size_t i;
		json_t *v;
		json_array_foreach(extra, i, v)
		{
			long id;
			if (resolve_id(v, rootfs, "group", &id, NULL) < 0) {
				log_err("%s: group \"%s\" is not in the image's /etc/group",
					name_of(c), json_string_value(v));
				json_decref(gids);
				json_decref(res);
				res = NULL;
				goto out;
			}
			json_array_append_new(gids, json_integer(id));
		}
		json_object_set_new(res, "additionalGids", gids);
	}
out:
	json_decref(iu);
	json_decref(ig);
	return res;
}

/* Append K=V to ENV, dropping an earlier K=. */
static void env_set(json_t *env, const char *kv)
{
	size_t klen = strcspn(kv, "=");
	size_t j;
	json_t *old;
	json_array_foreach(env, j, old)
	{
		if (strncmp(json_string_value(old), kv, klen + 1) == 0) {
			json_array_remove(env, j);
			break;
		}
	}
	json_array_append_new(env, json_string(kv));
}

/* The image's Env, then the YAML's, a YAML variable replacing the image's;
 * `insecure: true` last, so no env entry can switch it off by accident. */
static json_t *environment(const json_t *c, const json_t *image)
{
	json_t *env = json_array();
	const json_t *lists[] = {json_object_get(image, "Env"), json_object_get(c, "env")};
	for (size_t l = 0; l < 2; l++) {
		size_t i;
		json_t *v;
		json_array_foreach(lists[l], i, v) env_set(env, json_string_value(v));
	}
	if (json_is_true(json_object_get(c, "insecure")))
		env_set(env, SPEC_INSECURE_ENV);
	bool has_path = false;
	size_t i;
	json_t *v;
	json_array_foreach(env, i, v) has_path |= strncmp(json_string_value(v), "PATH=", 5) == 0;
	if (!has_path)
		json_array_insert_new(
		    env, 0,
		    json_string(
			"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
	return env;
}

static json_t *arguments(const json_t *c, const json_t *image)
{
	json_t *cmd = json_object_get(c, "command");
	if (cmd)
		return json_copy(cmd);
	json_t *args = json_array();
	json_array_extend(args, json_object_get(image, "Entrypoint"));
	json_array_extend(args, json_object_get(image, "Cmd"));
	return args;
}

static json_t *mount(const char *dst, const char *type, const char *src, const char *opts)
{
	json_t *o = json_array();
	char buf[512];
	snprintf(buf, sizeof buf, "%s", opts);
	char *save;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		json_array_append_new(o, json_string(t));
	return json_pack("{s:s,s:s,s:s,s:o}", "destination", dst, "type", type, "source", src,
			 "options", o);
}

static bool below(const char *path, const char *top)
{
	size_t n = strlen(top);
	return strncmp(path, top, n) == 0 && path[n] == '/';
}

/* A later mount on the same destination replaces an earlier one, and one
 * on a folder drops the earlier mounts below it: a bind of the host's /dev
 * brings its own pts, shm and mqueue. */
static void add_mount(json_t *mounts, json_t *m)
{
	const char *dst = json_string_value(json_object_get(m, "destination"));
	bool placed = false;
	for (size_t i = 0; i < json_array_size(mounts);) {
		const char *d =
		    json_string_value(json_object_get(json_array_get(mounts, i), "destination"));
		if (!placed && strcmp(d, dst) == 0) {
			json_array_set(mounts, i++, m);
			placed = true;
		} else if (below(d, dst)) {
			json_array_remove(mounts, i);
		} else {
			i++;
		}
	}
	if (!placed)
		json_array_append(mounts, m);
	json_decref(m);
}

/* "rbind" and "rw" unless OPTS (comma-separated) says "ro", then OPTS
 * without "ro"/"rw". */
static void bind_options(const char *extra, char *out, size_t len)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", extra ? extra : "");
	bool ro = false;
	char rest[512] = "";
	char *save;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (strcmp(t, "ro") == 0 || strcmp(t, "rw") == 0) {
			ro = ro || t[1] == 'o';
			continue;
		}
		size_t used = strlen(rest);
		snprintf(rest + used, sizeof rest - used, ",%s", t);
	}
	snprintf(out, len, "rbind,%s%s", ro ? "ro" : "rw", rest);
}

static const char *string_of(const json_t *m, const char *key)
{
	const char *s = json_string_value(json_object_get(m, key));
	return s && *s ? s : NULL;
}

/* LinuxKit's defaults for a partial `mounts` entry: a missing type is the
 * source's when that names a kernel file system (or tmpfs for /dev), a
 * missing source is the type, a missing destination is the type's usual
 * place. New reference; NULL when type or destination stays unknown. */
static json_t *complete_mount(const json_t *given)
{
	static const char *const places[][2] = {{"proc", "/proc"},
						{"devpts", "/dev/pts"},
						{"sysfs", "/sys"},
						{"cgroup", "/sys/fs/cgroup"},
						{"cgroup2", "/sys/fs/cgroup"},
						{"mqueue", "/dev/mqueue"}};
	const size_t n = sizeof places / sizeof places[0];
	const char *type = string_of(given, "type"), *src = string_of(given, "source");
	const char *dst = string_of(given, "destination");
	for (size_t i = 0; !type && src && i < n; i++)
		if (strcmp(src, places[i][0]) == 0)
			type = places[i][0];
	if (!type && dst && strcmp(dst, "/dev") == 0)
		type = "tmpfs";
	for (size_t i = 0; type && !dst && i < n; i++)
		if (strcmp(type, places[i][0]) == 0)
			dst = places[i][1];
	if (!type || !dst)
		return NULL;
	json_t *m = json_deep_copy(given);
	json_object_set_new(m, "type", json_string(type));
	json_object_set_new(m, "source", json_string(src ? src : type));
	json_object_set_new(m, "destination", json_string(dst));
	return m;
}

static bool mounts_valid(const json_t *c)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(c, "mounts"), i, v)
	{
		json_t *m = json_is_object(v) ? complete_mount(v) : NULL;
		if (m) {
			json_decref(m);
			continue;
		}
		const char *type = string_of(v, "type");
		if (type)
			log_err("%s: mount of type \"%s\" has no destination; add "
				"destination: /PATH",
				name_of(c), type);
		else
			log_err("%s: a mount has no type; add type: (proc, sysfs, "
				"cgroup, tmpfs, bind, ...)",
				name_of(c));
		return false;
	}
	return true;
}

static json_t *mounts(const json_t *c)
{
	json_t *m = json_array();
	add_mount(m, mount("/proc", "proc", "proc", "nosuid,noexec,nodev"));
	add_mount(m, mount("/dev", "tmpfs", "tmpfs", "nosuid,strictatime,mode=755,size=65536k"));
	add_mount(m, mount("/dev/pts", "devpts", "devpts",
			   "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5"));
	add_mount(m,
		  mount("/dev/shm", "tmpfs", "shm", "nosuid,noexec,nodev,mode=1777,size=65536k"));
	add_mount(m, mount("/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev"));
	add_mount(m, mount("/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro"));
	add_mount(m,
		  mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid,noexec,nodev,relatime,ro"));
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(c, "mounts"), i, v) add_mount(m, complete_mount(v));
	json_array_foreach(json_object_get(c, "binds"), i, v)
	{
		/* SRC:DST[:OPTS], OPTS comma-separated (ro, rshared, ...). */
		char buf[1024], opts[512];
		snprintf(buf, sizeof buf, "%s", json_string_value(v));
		char *dst = strchr(buf, ':');
		if (!dst)
			continue; /* checked by spec_config */
		*dst++ = '\0';
		char *extra = strchr(dst, ':');
		if (extra)
			*extra++ = '\0';
		bind_options(extra, opts, sizeof opts);
		add_mount(m, mount(dst, "bind", buf, opts));
	}
	json_array_foreach(json_object_get(c, "tmpfs"), i, v)
	{
		char buf[1024], opts[512];
		snprintf(buf, sizeof buf, "%s", json_string_value(v));
		char *extra = strchr(buf, ':');
		if (extra)
			*extra++ = '\0';
		snprintf(opts, sizeof opts, "nosuid,nodev%s%s", extra ? "," : "",
			 extra ? extra : "");
		add_mount(m, mount(buf, "tmpfs", "tmpfs", opts));
	}
	return m;
}

static json_t *namespaces(const json_t *c)
{
	json_t *ns = json_pack("[{s:s},{s:s}]", "type", "pid", "type", "mount");
	static const char *const keys[][2] = {
	    {"pid", "pid"}, {"net", "network"}, {"ipc", "ipc"}, {"uts", "uts"}};
	for (size_t i = 0; i < 4; i++) {
		const char *v = json_string_value(json_object_get(c, keys[i][0]));
		if (i == 0 && v && strcmp(v, "host") == 0)
			json_array_remove(ns, 0);
		if (!v || strcmp(v, "host") == 0)
			continue;
		json_t *entry = json_pack("{s:s}", "type", keys[i][1]);
		if (v[0] == '/')
			json_object_set_new(entry, "path", json_string(v));
		if (i == 0)
			json_array_set_new(ns, 0, entry);
		else
			json_array_append_new(ns, entry);
	}
	return ns;
}

static json_t *rlimits(const json_t *c)
{
	json_t *r = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(c, "rlimits"), i, v)
	{
		char name[32], type[48];
		unsigned long long soft, hard;
		if (sscanf(json_string_value(v), "%31[a-z],%llu,%llu", name, &soft, &hard) != 3)
			continue; /* checked by the schema */
		size_t k = 0;
		for (; name[k]; k++)
			name[k] = (char)toupper((unsigned char)name[k]);
		snprintf(type, sizeof type, "RLIMIT_%s", name);
		json_array_append_new(r, json_pack("{s:s,s:I,s:I}", "type", type, "soft",
						   (json_int_t)soft, "hard", (json_int_t)hard));
	}
	return r;
}

/* LinuxKit's devices: cgroup rules, and a node when major/minor are given. */
static void devices(const json_t *c, json_t *linux, json_t *resources)
{
	json_t *rules = json_pack("[{s:b,s:s}]", "allow", 0, "access", "rwm");
	json_t *nodes = json_array();
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(c, "devices"), i, d)
	{
		const char *path = json_string_value(json_object_get(d, "path"));
		const char *type = json_string_value(json_object_get(d, "type"));
		json_t *rule = json_pack("{s:b,s:s,s:s}", "allow", 1, "type", type ? type : "a",
					 "access", "rwm");
		json_t *major = json_object_get(d, "major"), *minor = json_object_get(d, "minor");
		if (major)
			json_object_set(rule, "major", major);
		if (minor)
			json_object_set(rule, "minor", minor);
		json_array_append_new(rules, rule);
		if (path && strcmp(path, "all") != 0 && major && minor && type) {
			const char *mode = json_string_value(json_object_get(d, "mode"));
			json_t *node = json_pack("{s:s,s:s,s:O,s:O}", "path", path, "type", type,
						 "major", major, "minor", minor);
			if (mode)
				json_object_set_new(node, "fileMode",
						    json_integer(strtol(mode, NULL, 8)));
			json_array_append_new(nodes, node);
		}
	}
	json_object_set_new(resources, "devices", rules);
	if (json_array_size(nodes))
		json_object_set(linux, "devices", nodes);
	json_decref(nodes);
}

static json_t *linux_section(const json_t *c, const json_t *caps)
{
	json_t *res = json_deep_copy(json_object_get(c, "resources"));
	if (!json_is_object(res)) {
		json_decref(res);
		res = json_object();
	}
	json_t *linux = json_pack("{s:o}", "namespaces", namespaces(c));
	devices(c, linux, res);
	json_object_set_new(linux, "resources", res);
	json_t *v;
	json_object_set_new(linux, "maskedPaths",
			    (v = json_object_get(c, "maskedPaths")) ? json_copy(v)
								    : strings(masked_paths));
	json_object_set_new(linux, "readonlyPaths",
			    (v = json_object_get(c, "readonlyPaths")) ? json_copy(v)
								      : strings(readonly_paths));
	json_t *seccomp = json_object_get(c, "seccomp");
	if (!json_is_string(seccomp) || strcmp(json_string_value(seccomp), "unconfined") != 0)
		json_object_set_new(
		    linux, "seccomp",
		    seccomp_default_profile(caps, json_is_object(seccomp) ? seccomp : NULL));
	static const char *const passthrough[][2] = {{"sysctl", "sysctl"},
						     {"cgroupsPath", "cgroupsPath"},
						     {"rootfsPropagation", "rootfsPropagation"}};
	for (size_t i = 0; i < 3; i++)
		if ((v = json_object_get(c, passthrough[i][0])))
			json_object_set(linux, passthrough[i][1], v);
	return linux;
}

static bool binds_valid(const json_t *c)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(c, "binds"), i, v)
	{
		const char *s = json_string_value(v);
		const char *colon = s ? strchr(s, ':') : NULL;
		if (!colon || s[0] != '/' || colon[1] != '/') {
			log_err("%s: bind \"%s\" is not valid; expected "
				"/SOURCE:/DEST[:OPTIONS]",
				name_of(c), s ? s : "");
			return false;
		}
	}
	return true;
}

json_t *spec_config(const json_t *c, const json_t *image, const char *rootfs)
{
	if (!binds_valid(c) || !mounts_valid(c))
		return NULL;
	json_t *args = arguments(c, image);
	if (!json_array_size(args)) {
		log_err("%s: no command, and the image has no Entrypoint or Cmd; add "
			"command: [...]",
			name_of(c));
		json_decref(args);
		return NULL;
	}
	json_t *usr = user(c, image, rootfs);
	if (!usr) {
		json_decref(args);
		return NULL;
	}
	json_t *caps = capabilities(json_object_get(c, "capabilities"));
	json_t *ambient = capabilities(json_object_get(c, "ambient"));
	const char *cwd = json_string_value(json_object_get(c, "cwd"));
	if (!cwd || !*cwd)
		cwd = json_string_value(json_object_get(image, "WorkingDir"));
	json_t *nnp = json_object_get(c, "noNewPrivileges");
	json_t *process =
	    json_pack("{s:b,s:o,s:o,s:o,s:s,s:{s:O,s:O,s:O,s:o,s:[]},s:o,s:b}", "terminal", 0,
		      "user", usr, "args", args, "env", environment(c, image), "cwd",
		      cwd && *cwd ? cwd : "/", "capabilities", "bounding", caps, "effective", caps,
		      "permitted", caps, "ambient", ambient, "inheritable", "rlimits", rlimits(c),
		      "noNewPrivileges", nnp ? json_is_true(nnp) : 1);
	json_t *v;
	if ((v = json_object_get(c, "oomScoreAdj")))
		json_object_set(process, "oomScoreAdj", v);
	json_t *ro = json_object_get(c, "readonly");
	json_t *spec =
	    json_pack("{s:s,s:o,s:{s:s,s:b},s:o,s:o}", "ociVersion", "1.0.2", "process", process,
		      "root", "path", "rootfs", "readonly", ro ? json_is_true(ro) : 1, "mounts",
		      mounts(c), "linux", linux_section(c, caps));
	json_decref(caps);
	const char *uts = json_string_value(json_object_get(c, "uts"));
	if ((v = json_object_get(c, "hostname")) && uts && strcmp(uts, "host") != 0)
		json_object_set(spec, "hostname", v);
	if ((v = json_object_get(c, "annotations")))
		json_object_set(spec, "annotations", v);
	return spec;
}

static bool binds_under(const json_t *c, const char *top)
{
	size_t n = strlen(top), i;
	json_t *v;
	json_array_foreach(json_object_get(c, "binds"), i, v)
	{
		const char *s = json_string_value(v);
		if (s && strncmp(s, top, n) == 0 && (s[n] == '/' || s[n] == ':'))
			return true;
	}
	return false;
}

json_t *spec_stele(const json_t *c, const char *state_mountpoint)
{
	json_t *s = json_object();
	for (const struct schema_field *f = schema_bundle; f->key; f++) {
		json_t *v = f->generated ? NULL : json_object_get(c, f->key);
		if (v)
			json_object_set_new(s, f->key, json_deep_copy(v));
	}
	if (state_mountpoint && binds_under(c, state_mountpoint))
		json_object_set_new(s, "binds_state", json_true());
	return s;
}
