#include "builder/spec.h"

#include "builder/seccomp.h"
#include "lib/log.h"
#include "schema/schema.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
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

static json_t *strings(const char *const *v)
{
	json_t *a = json_array();
	for (; *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

/* LinuxKit's AppendConfig-free merge (moby/config.go ConfigToOCI): a key
 * the YAML gives replaces the label's; `capabilities` and `binds` from
 * the YAML replace outright, otherwise the label's list is extended by
 * the YAML's `.add` (a label's own `.add` is ignored, as LinuxKit does);
 * `runtime` is merged key by key, bindNS namespace by namespace. */
static void combine_list(json_t *merged, const json_t *label, const json_t *yaml, const char *key,
			 const char *add_key)
{
	json_t *given = json_object_get(yaml, key), *add = json_object_get(yaml, add_key);
	json_object_del(merged, add_key);
	if (given) {
		json_object_set(merged, key, given);
		return;
	}
	json_t *base = json_object_get(label, key);
	if (!base && !add)
		return;
	json_t *all = json_is_array(base) ? json_copy(base) : json_array();
	if (json_is_array(add))
		json_array_extend(all, add);
	json_object_set_new(merged, key, all);
}

static void combine_runtime(json_t *merged, const json_t *label, const json_t *yaml)
{
	json_t *l = json_object_get(label, "runtime"), *y = json_object_get(yaml, "runtime");
	if (!json_is_object(l) || !json_is_object(y))
		return;
	json_t *rt = json_deep_copy(l);
	json_t *bind_ns = json_deep_copy(json_object_get(l, "bindNS"));
	json_object_update(rt, y);
	json_t *ybind = json_object_get(y, "bindNS");
	if (json_is_object(bind_ns) && json_is_object(ybind)) {
		json_object_update(bind_ns, ybind);
		json_object_set(rt, "bindNS", bind_ns);
	}
	json_decref(bind_ns);
	json_object_set_new(merged, "runtime", rt);
}

json_t *spec_merge(const json_t *entry, const json_t *image_config)
{
	json_t *labels = json_object_get(image_config, "Labels");
	const char *defaults = json_string_value(json_object_get(labels, "org.mobyproject.config"));
	json_t *label = defaults ? json_loads(defaults, 0, NULL) : NULL;
	if (!json_is_object(label)) {
		json_decref(label);
		label = json_object();
	}
	json_t *merged = json_deep_copy(label);
	json_object_update(merged, (json_t *)entry);
	combine_list(merged, label, entry, "binds", "binds.add");
	combine_list(merged, label, entry, "capabilities", "capabilities.add");
	combine_runtime(merged, label, entry);
	json_decref(label);
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

static json_t *user(const json_t *c, const json_t *image, const char *rootfs, const char *where)
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
		log_msg_as(LOG_ERR, NULL,
			   "%s: uid \"%s\" is not in the image's /etc/passwd; use a number", where,
			   json_string_value(uv));
		goto out;
	}
	if (gv && resolve_id(gv, rootfs, "group", &gid, NULL) < 0) {
		log_msg_as(LOG_ERR, NULL,
			   "%s: gid \"%s\" is not in the image's /etc/group; use a number", where,
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
				log_msg_as(LOG_ERR, NULL,
					   "%s: group \"%s\" is not in the image's /etc/group",
					   where, json_string_value(v));
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

/* LinuxKit's: the YAML's env (or the label's) replaces the image's Env
 * whole; `insecure: true` last, so no env entry can switch it off by
 * accident; a PATH when none is left, so that commands are found. */
static json_t *environment(const json_t *c, const json_t *image)
{
	json_t *env = json_array();
	const json_t *given = json_object_get(c, "env");
	size_t i;
	json_t *v;
	json_array_foreach(given ? given : json_object_get(image, "Env"), i, v)
	    env_set(env, json_string_value(v));
	if (json_is_true(json_object_get(c, "insecure")))
		env_set(env, SPEC_INSECURE_ENV);
	bool has_path = false;
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

/* LinuxKit's bind options: "rw,rbind,rshared" when none are given, else
 * the given ones and "rbind". */
static void bind_options(const char *extra, char *out, size_t len)
{
	if (!extra || !*extra)
		snprintf(out, len, "rw,rbind,rshared");
	else
		snprintf(out, len, "%s,rbind", extra);
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
json_t *spec_complete_mount(const json_t *given)
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

/* LinuxKit's volumes: a bind mount's source without '/' names one, as a
 * bind's does (its test case 070_volumes/006_mount_types). */
static json_t *volume_source(json_t *m)
{
	const char *type = string_of(m, "type"), *src = string_of(m, "source");
	if (m && type && src && strcmp(type, "bind") == 0 && src[0] != '/') {
		char vol[1200];
		snprintf(vol, sizeof vol, SPEC_VOLUMES_DIR "/%s/merged", src);
		json_object_set_new(m, "source", json_string(vol));
	}
	return m;
}

static bool mounts_valid(const json_t *c, const char *where)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(c, "mounts"), i, v)
	{
		json_t *m = json_is_object(v) ? spec_complete_mount(v) : NULL;
		if (m) {
			json_decref(m);
			continue;
		}
		const char *type = string_of(v, "type");
		if (type)
			log_msg_as(LOG_ERR, NULL,
				   "%s: mount of type \"%s\" has no destination; add "
				   "destination: /PATH",
				   where, type);
		else
			log_msg_as(LOG_ERR, NULL,
				   "%s: a mount has no type; add type: (proc, sysfs, "
				   "cgroup, tmpfs, bind, ...)",
				   where);
		return false;
	}
	return true;
}

/* LinuxKit's namespace words: host and root share the host's, new and
 * (for net) none make one, a /path joins one. pid is new unless asked;
 * the others are the host's, except uts when the container has a
 * hostname: that needs its own (runc refuses it otherwise). */
static bool ns_is_host(const char *v)
{
	return strcmp(v, "host") == 0 || strcmp(v, "root") == 0;
}

/* In a user namespace of its own, a container may mount sysfs only in a
 * network namespace, and mqueue only in an ipc namespace, that this user
 * namespace owns (one it makes: new or none); sharing the host's or
 * joining a path, it gets the host's by rbind instead, as rootless Docker
 * and Podman do (runc refuses the mount with EPERM). */
static bool own_ns_in_userns(const json_t *c, const char *key)
{
	const char *user = string_of(c, "userns"), *v = string_of(c, key);
	if (!user || ns_is_host(user))
		return true;
	return v && (strcmp(v, "new") == 0 || strcmp(v, "none") == 0);
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
	if (own_ns_in_userns(c, "ipc"))
		add_mount(m, mount("/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev"));
	else
		add_mount(m,
			  mount("/dev/mqueue", "bind", "/dev/mqueue", "rbind,nosuid,noexec,nodev"));
	if (own_ns_in_userns(c, "net"))
		add_mount(m, mount("/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro"));
	else
		add_mount(m, mount("/sys", "bind", "/sys", "rbind,nosuid,noexec,nodev,ro"));
	add_mount(m,
		  mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid,noexec,nodev,relatime,ro"));
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(c, "mounts"), i, v)
	    add_mount(m, volume_source(spec_complete_mount(v)));
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
		/* LinuxKit's volumes: a source without '/' names one. */
		char vol[1200];
		if (buf[0] != '/')
			snprintf(vol, sizeof vol, SPEC_VOLUMES_DIR "/%s/merged", buf);
		add_mount(m, mount(dst, "bind", buf[0] == '/' ? buf : vol, opts));
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

static void add_namespace(json_t *ns, const char *type, const char *v)
{
	if (!v || ns_is_host(v))
		return;
	json_t *entry = json_pack("{s:s}", "type", type);
	if (v[0] == '/')
		json_object_set_new(entry, "path", json_string(v));
	json_array_append_new(ns, entry);
}

static json_t *namespaces(const json_t *c)
{
	json_t *ns = json_array();
	const char *pid = string_of(c, "pid"), *uts = string_of(c, "uts");
	add_namespace(ns, "pid", pid ? pid : "new");
	json_array_append_new(ns, json_pack("{s:s}", "type", "mount"));
	add_namespace(ns, "network", string_of(c, "net"));
	add_namespace(ns, "ipc", string_of(c, "ipc"));
	add_namespace(ns, "uts", uts ? uts : string_of(c, "hostname") ? "new" : NULL);
	add_namespace(ns, "user", string_of(c, "userns"));
	return ns;
}

static bool rlimit_value(const char *text, size_t n, unsigned long long *out)
{
	char buf[32];
	while (n && isspace((unsigned char)*text))
		text++, n--;
	while (n && isspace((unsigned char)text[n - 1]))
		n--;
	if (!n || n >= sizeof buf)
		return false;
	memcpy(buf, text, n);
	buf[n] = '\0';
	if (strcasecmp(buf, "unlimited") == 0) {
		/* RLIM_INFINITY does not fit jansson's integers: the
		 * largest that does is as good as unlimited. */
		*out = LLONG_MAX;
		return true;
	}
	char *end;
	errno = 0;
	*out = strtoull(buf, &end, 10);
	if (*out > LLONG_MAX)
		*out = LLONG_MAX;
	return buf[0] != '-' && !*end && errno == 0;
}

int spec_rlimit_parse(const char *s, char *type, size_t len, unsigned long long *soft,
		      unsigned long long *hard)
{
	static const char *const known[] = {
	    "CPU",     "FSIZE", "DATA",	 "STACK",      "CORE",	   "RSS",  "NPROC",  "NOFILE",
	    "MEMLOCK", "AS",	"LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME"};
	const char *c1 = s ? strchr(s, ',') : NULL, *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
	if (!c2 || !rlimit_value(c1 + 1, (size_t)(c2 - c1 - 1), soft) ||
	    !rlimit_value(c2 + 1, strlen(c2 + 1), hard))
		return -1;
	char name[32];
	size_t n = 0;
	for (const char *p = s; p < c1 && n < sizeof name - 1; p++)
		if (!isspace((unsigned char)*p))
			name[n++] = (char)toupper((unsigned char)*p);
	name[n] = '\0';
	const char *bare = strncmp(name, "RLIMIT_", 7) == 0 ? name + 7 : name;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(bare, known[i]) == 0) {
			snprintf(type, len, "RLIMIT_%s", bare);
			return 0;
		}
	return -1;
}

static json_t *rlimits(const json_t *c)
{
	json_t *r = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(c, "rlimits"), i, v)
	{
		char type[48];
		unsigned long long soft, hard;
		if (spec_rlimit_parse(json_string_value(v), type, sizeof type, &soft, &hard) < 0)
			continue; /* checked by the schema */
		json_array_append_new(r, json_pack("{s:s,s:I,s:I}", "type", type, "soft",
						   (json_int_t)soft, "hard", (json_int_t)hard));
	}
	return r;
}

/* LinuxKit's devices: cgroup rules, and a node when major/minor are given. */
static void devices(const json_t *c, json_t *linux, json_t *resources)
{
	/* Deny all first, then resources.devices as given, then the devices':
	 * added to, never replacing, what resources.devices says. */
	json_t *rules = json_pack("[{s:b,s:s}]", "allow", 0, "access", "rwm");
	json_t *given = json_object_get(resources, "devices");
	if (json_is_array(given))
		json_array_extend(rules, given);
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
		if (path && strcmp(path, "all") == 0) /* LinuxKit: a whole type */
			major = minor = NULL;
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
						     {"rootfsPropagation", "rootfsPropagation"},
						     {"uidMappings", "uidMappings"},
						     {"gidMappings", "gidMappings"}};
	for (size_t i = 0; i < 5; i++)
		if ((v = json_object_get(c, passthrough[i][0])))
			json_object_set(linux, passthrough[i][1], v);
	return linux;
}

bool spec_bind_ok(const char *s)
{
	const char *c1 = s ? strchr(s, ':') : NULL;
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1 || c1 == s || c1[1] != '/' || (c2 && strchr(c2 + 1, ':')))
		return false;
	if (s[0] == '/')
		return true;
	for (const char *p = s; p < c1; p++) /* a volume's name */
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_' &&
		    *p != '-')
			return false;
	return true;
}

static bool binds_valid(const json_t *c, const char *where)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(c, "binds"), i, v)
	{
		const char *s = json_string_value(v);
		if (!spec_bind_ok(s)) {
			log_msg_as(LOG_ERR, NULL,
				   "%s: bind \"%s\" is not valid; expected "
				   "/SOURCE:/DEST[:OPTIONS] or VOLUME:/DEST[:OPTIONS]",
				   where, s ? s : "");
			return false;
		}
	}
	return true;
}

/* runc sets a hostname only in the container's own uts namespace. */
static bool hostname_valid(const json_t *c, const char *where)
{
	const char *uts = string_of(c, "uts");
	if (!string_of(c, "hostname") || !uts || !ns_is_host(uts))
		return true;
	log_msg_as(LOG_ERR, NULL,
		   "%s: hostname needs the container's own uts namespace; drop uts: %s or "
		   "the hostname",
		   where, uts);
	return false;
}

/* runc makes a user namespace only with both mappings (joining one by
 * path needs none): refused here, not at boot. */
static bool userns_valid(const json_t *c, const char *where)
{
	const char *user = string_of(c, "userns");
	if (!user || ns_is_host(user) || user[0] == '/' ||
	    (json_array_size(json_object_get(c, "uidMappings")) &&
	     json_array_size(json_object_get(c, "gidMappings"))))
		return true;
	log_msg_as(LOG_ERR, NULL,
		   "%s: userns: %s needs uidMappings and gidMappings; add both, such as "
		   "[{containerID: 0, hostID: 100000, size: 65536}], or drop userns",
		   where, user);
	return false;
}

json_t *spec_config(const json_t *c, const json_t *image, const char *rootfs, const char *where)
{
	if (!binds_valid(c, where) || !mounts_valid(c, where) || !hostname_valid(c, where) ||
	    !userns_valid(c, where))
		return NULL;
	json_t *args = arguments(c, image);
	if (!json_array_size(args)) {
		log_msg_as(LOG_ERR, NULL,
			   "%s: no command, and the image has no Entrypoint or Cmd; add "
			   "command: [...]",
			   where);
		json_decref(args);
		return NULL;
	}
	json_t *usr = user(c, image, rootfs, where);
	if (!usr) {
		json_decref(args);
		return NULL;
	}
	/* LinuxKit's sets: ambient capabilities are also bounding and
	 * permitted; inheritable holds only them (LinuxKit's holds the
	 * bounding set), the least that lets them survive execve. */
	json_t *caps = capabilities(json_object_get(c, "capabilities"));
	json_t *ambient = capabilities(json_object_get(c, "ambient"));
	json_t *both = json_copy(json_object_get(c, "capabilities"));
	if (!both)
		both = json_array();
	json_array_extend(both, json_object_get(c, "ambient"));
	json_t *bounding = capabilities(both);
	json_decref(both);
	const char *cwd = json_string_value(json_object_get(c, "cwd"));
	if (!cwd || !*cwd)
		cwd = json_string_value(json_object_get(image, "WorkingDir"));
	json_t *nnp = json_object_get(c, "noNewPrivileges");
	json_t *process =
	    json_pack("{s:b,s:o,s:o,s:o,s:s,s:{s:O,s:O,s:O,s:O,s:o},s:o,s:b}", "terminal", 0,
		      "user", usr, "args", args, "env", environment(c, image), "cwd",
		      cwd && *cwd ? cwd : "/", "capabilities", "bounding", bounding, "effective",
		      caps, "permitted", bounding, "inheritable", ambient, "ambient", ambient,
		      "rlimits", rlimits(c), "noNewPrivileges", nnp ? json_is_true(nnp) : 1);
	json_t *v;
	if ((v = json_object_get(c, "oomScoreAdj")))
		json_object_set(process, "oomScoreAdj", v);
	json_t *ro = json_object_get(c, "readonly");
	json_t *spec =
	    json_pack("{s:s,s:o,s:{s:s,s:b},s:o,s:o}", "ociVersion", "1.0.2", "process", process,
		      "root", "path", "rootfs", "readonly", ro ? json_is_true(ro) : 1, "mounts",
		      mounts(c), "linux", linux_section(c, caps));
	json_decref(caps);
	json_decref(bounding);
	if ((v = json_object_get(c, "hostname")))
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
