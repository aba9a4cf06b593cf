#include "builder/schema.h"

#include "builder/spec.h"
#include "builder/yamlconv.h"
#include "hostlib/settings.h"
#include "lib/log.h"

#include <limits.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

const char *const schema_sections[3] = {"onboot", "services", "onshutdown"};

unsigned schema_section_kind(size_t section)
{
	return section == 1 ? SCHEMA_SERVICE : SCHEMA_ONBOOT;
}

static void check_cap(struct yconv *c, int line, const char *key, const json_t *v)
{
	const char *name = json_string_value(v);
	if (!name) /* a wrong type: reported by the type check */
		return;
	if (strcasecmp(name, "all") == 0 || strcasecmp(name, "none") == 0)
		return;
	/* "CAP_CHOWN", "cap_chown" and "chown" all name it. */
	char full[64];
	snprintf(full, sizeof full, "%s%s", strncasecmp(name, "cap_", 4) == 0 ? "" : "cap_", name);
	cap_value_t cap;
	if (cap_from_name(full, &cap) < 0)
		yconv_error(
		    c, line, key,
		    "unknown capability \"%s\"; expected a name like CAP_CHOWN, or all/none", name);
}

static void check_syscall(struct yconv *c, int line, const char *key, const json_t *v)
{
	const char *name = json_string_value(v);
	if (!name)
		return;
	if (seccomp_syscall_resolve_name(name) == __NR_SCMP_ERROR)
		yconv_error(c, line, key,
			    "unknown syscall \"%s\"; expected a name libseccomp knows, like openat",
			    name);
}

static void check_seccomp_arch(struct yconv *c, int line, const char *key, const json_t *v)
{
	const char *name = json_string_value(v);
	if (name && strcasecmp(name, "x86") && strcasecmp(name, "x32") &&
	    strcasecmp(name, "x86_64"))
		yconv_error(c, line, key,
			    "unknown architecture \"%s\"; expected x86 or x32 (the 32-bit ABIs "
			    "of an x86_64 kernel; x86_64 itself is always allowed)",
			    name);
}

static void check_ns(struct yconv *c, int line, const char *key, const json_t *v)
{
	const char *s = json_string_value(v);
	bool net = strcmp(key, "net") == 0 ||
		   (strlen(key) > 4 && strcmp(key + strlen(key) - 4, ".net") == 0);
	if (strcmp(s, "host") && strcmp(s, "root") && strcmp(s, "new") && s[0] != '/' &&
	    !(net && strcmp(s, "none") == 0))
		yconv_error(c, line, key,
			    "\"%s\" is not valid; expected host (or root), new%s or a /path to a "
			    "namespace",
			    s, net ? ", none" : "");
}

static void check_seccomp(struct yconv *c, int line, const char *key, const json_t *v)
{
	if (json_is_string(v) && strcmp(json_string_value(v), "unconfined") &&
	    strcmp(json_string_value(v), "default"))
		yconv_error(c, line, key,
			    "expected unconfined, default, or a mapping with allow, deny and "
			    "architectures lists");
}

static void check_mode(struct yconv *c, int line, const char *key, const json_t *v)
{
	char *end;
	const char *s = json_string_value(v);
	long m = strtol(s, &end, 8);
	if (!*s || *end || m < 0 || m > 07777)
		yconv_error(c, line, key, "\"%s\" is not an octal mode; expected e.g. \"0644\"", s);
}

static void check_rlimit(struct yconv *c, int line, const char *key, const json_t *v)
{
	const char *s = json_string_value(v);
	char type[48];
	unsigned long long soft, hard;
	if (spec_rlimit_parse(s, type, sizeof type, &soft, &hard) < 0)
		yconv_error(c, line, key,
			    "\"%s\" is not valid; expected \"name,soft,hard\" like "
			    "\"nofile,1024,4096\" (RLIMIT_ prefix, any case and unlimited "
			    "allowed)",
			    s);
}

static void check_metadata(struct yconv *c, int line, const char *key, const json_t *v)
{
	const char *s = json_string_value(v);
	if (strcmp(s, "json") && strcmp(s, "yaml"))
		yconv_error(c, line, key, "\"%s\" is not valid; expected json or yaml", s);
}

static void check_bind(struct yconv *c, int line, const char *key, const json_t *v)
{
	const char *s = json_string_value(v);
	if (s && !spec_bind_ok(s))
		yconv_error(c, line, key,
			    "\"%s\" is not valid; expected /SOURCE:/DEST[:OPTIONS] or "
			    "VOLUME:/DEST[:OPTIONS]",
			    s);
}

/* What LinuxKit cannot complete either (spec_complete_mount). */
static void check_mount(struct yconv *c, int line, const char *key, const json_t *v)
{
	json_t *m = spec_complete_mount(v);
	if (m) {
		json_decref(m);
		return;
	}
	const char *type = json_string_value(json_object_get(v, "type"));
	if (type && *type)
		yconv_error(c, line, key,
			    "mount of type \"%s\" has no destination; add destination: /PATH",
			    type);
	else
		yconv_error(c, line, key,
			    "a mount has no type; add type: (proc, sysfs, cgroup, tmpfs, bind, "
			    "...)");
}

static const struct yfield seccomp_fields[] = {
    {"allow", Y_STRLIST, NULL, check_syscall, false, NULL, false},
    {"deny", Y_STRLIST, NULL, check_syscall, false, NULL, false},
    {"architectures", Y_STRLIST, NULL, check_seccomp_arch, false, NULL, false},
    {0},
};

static const struct yfield mount_fields[] = {
    {"destination", Y_STR, NULL, NULL, false, NULL, false},
    {"type", Y_STR, NULL, NULL, false, NULL, false},
    {"source", Y_STR, NULL, NULL, false, NULL, false},
    {"options", Y_STRLIST, NULL, NULL, false, NULL, false},
    {0},
};

static const struct yfield device_fields[] = {
    {"path", Y_STR, NULL, NULL, false, NULL, false},
    {"type", Y_STR, NULL, NULL, false, NULL, false},
    {"major", Y_INT, NULL, NULL, false, NULL, false},
    {"minor", Y_INT, NULL, NULL, false, NULL, false},
    {"mode", Y_STR, NULL, check_mode, false, NULL, false},
    {"uid", Y_INT, NULL, NULL, false, NULL, false},
    {"gid", Y_INT, NULL, NULL, false, NULL, false},
    {0},
};

static const struct yfield idmap_fields[] = {
    {"containerID", Y_INT, NULL, NULL, false, NULL, false},
    {"hostID", Y_INT, NULL, NULL, false, NULL, false},
    {"size", Y_INT, NULL, NULL, false, NULL, false},
    {0},
};

static const struct yfield container_fields[] = {
    /* LinuxKit's */
    {"name", Y_STR, NULL, NULL, false, NULL, false},
    {"image", Y_STR, NULL, NULL, false, NULL, false},
    {"command", Y_STRLIST, NULL, NULL, false, NULL, false},
    {"env", Y_STRLIST, NULL, NULL, false, NULL, false},
    {"cwd", Y_STR, NULL, NULL, false, NULL, false},
    {"uid", Y_ID, NULL, NULL, false, NULL, false},
    {"gid", Y_ID, NULL, NULL, false, NULL, false},
    {"additionalGids", Y_STRLIST, NULL, NULL, false, NULL, false},
    {"capabilities", Y_STRLIST, NULL, check_cap, false, NULL, false},
    {"capabilities.add", Y_STRLIST, NULL, check_cap, false, NULL, false},
    {"ambient", Y_STRLIST, NULL, check_cap, false, NULL, false},
    {"binds", Y_STRLIST, NULL, check_bind, false, NULL, false},
    {"binds.add", Y_STRLIST, NULL, check_bind, false, NULL, false},
    {"mounts", Y_OBJLIST, mount_fields, check_mount, false, NULL, false},
    {"tmpfs", Y_STRLIST, NULL, NULL, false, NULL, false},
    {"devices", Y_OBJLIST, device_fields, NULL, false, NULL, false},
    {"net", Y_STR, NULL, check_ns, false, NULL, false},
    {"pid", Y_STR, NULL, check_ns, false, NULL, false},
    {"ipc", Y_STR, NULL, check_ns, false, NULL, false},
    {"uts", Y_STR, NULL, check_ns, false, NULL, false},
    {"userns", Y_STR, NULL, check_ns, false, NULL, false},
    {"uidMappings", Y_OBJLIST, idmap_fields, NULL, false, NULL, false},
    {"gidMappings", Y_OBJLIST, idmap_fields, NULL, false, NULL, false},
    {"hostname", Y_STR, NULL, NULL, false, NULL, false},
    {"readonly", Y_BOOL, NULL, NULL, false, NULL, false},
    {"rootfsPropagation", Y_STR, NULL, NULL, false, NULL, false},
    {"cgroupsPath", Y_STR, NULL, NULL, false, NULL, false},
    {"resources", Y_ANY, NULL, NULL, false, NULL, false},
    {"sysctl", Y_STRMAP, NULL, NULL, false, NULL, false},
    {"rlimits", Y_STRLIST, NULL, check_rlimit, false, NULL, false},
    {"oomScoreAdj", Y_INT, NULL, NULL, false, NULL, false},
    {"noNewPrivileges", Y_BOOL, NULL, NULL, false, NULL, false},
    {"maskedPaths", Y_STRLIST, NULL, NULL, false, NULL, false},
    {"readonlyPaths", Y_STRLIST, NULL, NULL, false, NULL, false},
    {"annotations", Y_STRMAP, NULL, NULL, false, NULL, false},
    {"seccomp", Y_STR_OR_OBJ, seccomp_fields, check_seccomp, false, NULL, false},
    /* stele's; the keys of stele.json come from schema_bundle */
    {"insecure", Y_BOOL, NULL, NULL, false, NULL, false},
    {0},
};

static const struct yfield kernel_fields[] = {
    {"path", Y_STR, NULL, NULL, false, NULL, false},
    {"image", Y_STR, NULL, NULL, false, NULL, false}, /* LinuxKit's name for it: a path here */
    {"cmdline", Y_STR, NULL, NULL, false, NULL, false},
    {"modules", Y_STRLIST, NULL, NULL, false, NULL, false},
    {"modules_dir", Y_STR, NULL, NULL, false, NULL, false},
    {"ucode", Y_STR, NULL, NULL, false, NULL, false}, /* a cpio put before the initramfs */
    {0},
};

static const struct yfield file_fields[] = {
    {"path", Y_STR, NULL, NULL, false, NULL, false},
    {"contents", Y_STR, NULL, NULL, false, NULL, false},
    {"source", Y_STR, NULL, NULL, false, NULL, false},
    {"directory", Y_BOOL, NULL, NULL, false, NULL, false},
    {"symlink", Y_STR, NULL, NULL, false, NULL, false},
    {"metadata", Y_STR, NULL, check_metadata, false, NULL, false},
    {"mode", Y_STR, NULL, check_mode, false, NULL, false},
    {"uid", Y_ID, NULL, NULL, false, NULL, false},
    {"gid", Y_ID, NULL, NULL, false, NULL, false},
    {"optional", Y_BOOL, NULL, NULL, false, NULL, false},
    {0},
};

static void check_volume_format(struct yconv *c, int line, const char *key, const json_t *v)
{
	if (strcmp(json_string_value(v), "filesystem") != 0)
		yconv_error(c, line, key,
			    "\"%s\" is not supported; stele's volumes are filesystems: drop "
			    "format or set format: filesystem",
			    json_string_value(v));
}

/* LinuxKit's volumes: a folder (an image's files, or empty) that binds
 * name; read-write ones are an overlay on a tmpfs at boot. */
static const struct yfield volume_fields[] = {
    {"name", Y_STR, NULL, NULL, false, NULL, false},
    {"image", Y_STR, NULL, NULL, false, NULL, false},
    {"readonly", Y_BOOL, NULL, NULL, false, NULL, false},
    {"format", Y_STR, NULL, check_volume_format, false, NULL, false},
    {0},
};

static const struct yfield top_fields[] = {
    {"kernel", Y_OBJ, kernel_fields, NULL, false, NULL, false},
    {"init", Y_STRLIST, NULL, NULL, false, NULL, false},
    {"onboot", Y_OBJLIST, container_fields, NULL, true, schema_bundle, false},
    {"onshutdown", Y_OBJLIST, container_fields, NULL, true, schema_bundle, false},
    {"services", Y_OBJLIST, container_fields, NULL, true, schema_bundle, false},
    {"files", Y_OBJLIST, file_fields, NULL, true, NULL, false},
    {"volumes", Y_OBJLIST, volume_fields, NULL, true, NULL, false},
    /* init.conf's state_* keys: kept as text, checked as init reads them */
    {"state", Y_OBJ, NULL, NULL, false, schema_state, true},
    {"watchdog", Y_OBJ, NULL, NULL, false, schema_watchdog, true},
    {"update", Y_OBJ, NULL, NULL, false, schema_update, true},
    {"containers", Y_OBJ, NULL, NULL, false, schema_containers, true},
    {"sysctl", Y_STRMAP, NULL, NULL, false, NULL, false},
    {"hostname", Y_STR, NULL, NULL, false, NULL, false},
    {"debug", Y_BOOL, NULL, NULL, false, NULL, false},
    {"trust", Y_ANY, NULL, NULL, false, NULL, false}, /* LinuxKit's; ignored */
    {0},
};

void schema_error(const struct config *cfg, const json_t *obj, const char *key, const char *fmt,
		  ...)
{
	va_list ap;
	va_start(ap, fmt);
	char where[PATH_MAX + 300];
	snprintf(where, sizeof where, "%s:%d: %s", schema_file_of(cfg, obj), yconv_line(obj, key),
		 key);
	log_vmsg_as(LOG_ERR, where, fmt, ap);
	va_end(ap);
}

/* Every container needs a name and an image, unique in its section;
 * services' names are also what depends_on refers to. */
static int check_names(const struct config *cfg, const char *section)
{
	json_t *list = json_object_get(cfg->root, section);
	int errors = 0;
	size_t i, j;
	json_t *c;
	json_array_foreach(list, i, c)
	{
		const char *name = json_string_value(json_object_get(c, "name"));
		if (!name || !*name) {
			log_msg_as(LOG_ERR, NULL,
				   "%s:%d: %s[%zu]: missing name; expected name: NAME",
				   schema_file_of(cfg, c), yconv_line(c, "image"), section, i);
			errors++;
			continue;
		}
		if (!schema_name_valid(name)) {
			char why[300];
			schema_problem(SCHEMA_VALUE, &schema_name_field, name, why, sizeof why);
			log_msg_as(LOG_ERR, NULL, "%s:%d: %s[%zu].name: %s", schema_file_of(cfg, c),
				   yconv_line(c, "name"), section, i, why);
			errors++;
		}
		if (!json_object_get(c, "image")) {
			schema_error(
			    cfg, c, "name",
			    "%s has no image; expected image: oci:PATH, dir:PATH or a package name",
			    name);
			errors++;
		}
		/* LinuxKit wants unique names for services only: they run side by
		 * side. onboot bundles are numbered, so a name can repeat. */
		for (j = 0; strcmp(section, "services") == 0 && j < i; j++) {
			const char *other =
			    json_string_value(json_object_get(json_array_get(list, j), "name"));
			if (other && strcmp(other, name) == 0) {
				schema_error(cfg, c, "name",
					     "duplicate %s name \"%s\" (also on line %d); expected "
					     "unique names",
					     section, name,
					     yconv_line(json_array_get(list, j), "name"));
				errors++;
			}
		}
	}
	return errors;
}

const json_t *schema_volume(const struct config *cfg, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(cfg->root, "volumes"), i, v)
	{
		const char *n = json_string_value(json_object_get(v, "name"));
		if (n && name && strcmp(n, name) == 0)
			return v;
	}
	return NULL;
}

const char *schema_bind_volume_problem(const struct config *cfg, const char *bind, char *out,
				       size_t len)
{
	char name[128];
	size_t n = strcspn(bind, ":");
	if (bind[0] == '/' || n >= sizeof name)
		return NULL;
	memcpy(name, bind, n);
	name[n] = '\0';
	const json_t *vol = schema_volume(cfg, name);
	if (!vol) {
		snprintf(out, len,
			 "\"%s\" names the volume \"%s\", which volumes: does not declare; add "
			 "it there, or give an absolute source",
			 bind, name);
		return out;
	}
	const char *opts = strchr(bind + n + 1, ':');
	if (json_is_true(json_object_get(vol, "readonly")) && (!opts || strcmp(opts + 1, "ro"))) {
		snprintf(out, len, "\"%s\": the volume \"%s\" is read-only; end the bind with :ro",
			 bind, name);
		return out;
	}
	return NULL;
}

/* A bind mount whose source names a volume, checked as the bind
 * SOURCE:DEST[:ro] would be. */
static int check_mount_volumes(const struct config *cfg, const json_t *c)
{
	int errors = 0;
	size_t j, k;
	json_t *m, *o;
	json_array_foreach(json_object_get(c, "mounts"), j, m)
	{
		const char *type = json_string_value(json_object_get(m, "type"));
		const char *src = json_string_value(json_object_get(m, "source"));
		const char *dst = json_string_value(json_object_get(m, "destination"));
		if (!type || strcmp(type, "bind") || !src || src[0] == '/')
			continue;
		bool ro = false;
		json_array_foreach(json_object_get(m, "options"), k, o) ro =
		    ro || (json_string_value(o) && !strcmp(json_string_value(o), "ro"));
		char bind[PATH_MAX], why[PATH_MAX + 256], key[64];
		snprintf(bind, sizeof bind, "%s:%s%s", src, dst ? dst : "", ro ? ":ro" : "");
		if (!schema_bind_volume_problem(cfg, bind, why, sizeof why))
			continue;
		snprintf(key, sizeof key, "mounts[%zu]", j);
		if (strstr(why, "is read-only"))
			schema_error(
			    cfg, c, key,
			    "bind mount of the volume \"%s\" on %s: the volume is read-only; "
			    "add ro to its options",
			    src, dst ? dst : "");
		else
			schema_error(cfg, c, key, "%s", why);
		errors++;
	}
	return errors;
}

/* Volume names: LinuxKit's [a-z0-9_-], unique; the binds naming one. */
static int check_volumes(const struct config *cfg)
{
	int errors = 0;
	size_t i, j;
	json_t *v;
	json_t *vols = json_object_get(cfg->root, "volumes");
	json_array_foreach(vols, i, v)
	{
		const char *name = json_string_value(json_object_get(v, "name"));
		bool ok = name && *name;
		for (const char *p = name; ok && *p; p++)
			ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
			     *p == '-';
		if (!ok) {
			schema_error(cfg, v, "name",
				     "volume name \"%s\" is not valid; expected [a-z0-9_-]",
				     name ? name : "");
			errors++;
			continue;
		}
		if (schema_volume(cfg, name) != v) { /* an earlier one has the name */
			schema_error(cfg, v, "name", "duplicate volume name \"%s\"", name);
			errors++;
		}
	}
	static const char *const keys[] = {"binds", "binds.add"};
	for (size_t s = 0; s < 3; s++) {
		json_t *c;
		json_array_foreach(json_object_get(cfg->root, schema_sections[s]), i,
				   c) for (size_t k = 0; k < 2; k++)
		{
			json_array_foreach(json_object_get(c, keys[k]), j, v)
			{
				char why[512], key[64];
				const char *bind = json_string_value(v);
				if (!bind ||
				    !schema_bind_volume_problem(cfg, bind, why, sizeof why))
					continue;
				snprintf(key, sizeof key, "%s[%zu]", keys[k], j);
				schema_error(cfg, c, key, "%s", why);
				errors++;
			}
		}
		json_array_foreach(json_object_get(cfg->root, schema_sections[s]), i, c) errors +=
		    check_mount_volumes(cfg, c);
	}
	return errors;
}

static json_t *service_named(json_t *services, const char *name)
{
	size_t i;
	json_t *c;
	json_array_foreach(services, i, c)
	{
		const char *n = json_string_value(json_object_get(c, "name"));
		if (n && strcmp(n, name) == 0)
			return c;
	}
	return NULL;
}

/* Depth-first search: state 1 is "on the path", 2 is "done". */
static int visit(const struct config *cfg, json_t *services, size_t i, char *state)
{
	if (state[i] == 2)
		return 0;
	json_t *svc = json_array_get(services, i);
	if (state[i] == 1) {
		schema_error(
		    cfg, svc, "depends_on",
		    "dependency cycle through service \"%s\"; expected an order without cycles",
		    json_string_value(json_object_get(svc, "name")));
		return 1;
	}
	state[i] = 1;
	size_t k;
	json_t *dep;
	json_array_foreach(json_object_get(svc, "depends_on"), k, dep)
	{
		for (size_t j = 0; j < json_array_size(services); j++) {
			const char *n =
			    json_string_value(json_object_get(json_array_get(services, j), "name"));
			if (n && strcmp(n, json_string_value(dep)) == 0 &&
			    visit(cfg, services, j, state))
				return 1;
		}
	}
	state[i] = 2;
	return 0;
}

static int check_dependencies(const struct config *cfg)
{
	json_t *services = json_object_get(cfg->root, "services");
	size_t n = json_array_size(services), i, k;
	int errors = 0;
	json_t *svc, *dep;
	json_array_foreach(services, i, svc)
	{
		json_array_foreach(json_object_get(svc, "depends_on"), k, dep)
		{
			if (!service_named(services, json_string_value(dep))) {
				schema_error(
				    cfg, svc, "depends_on",
				    "no service named \"%s\"; expected names from services",
				    json_string_value(dep));
				errors++;
			}
		}
	}
	char *state = calloc(n + 1, 1);
	if (!state)
		return 1;
	for (i = 0; i < n && !errors; i++)
		if (visit(cfg, services, i, state)) {
			errors++;
			break;
		}
	free(state);
	return errors;
}

struct yaml_report {
	const struct config *cfg;
	const json_t *entry;
	const char *section;
	size_t index;
};

static void report_yaml(void *ctx, const char *path, enum schema_problem p,
			const struct schema_field *f, const char *value)
{
	const struct yaml_report *r = ctx;
	char text[512];
	schema_problem(p, f, value, text, sizeof text);
	log_msg_as(LOG_ERR, NULL, "%s:%d: %s[%zu].%s: %s", schema_file_of(r->cfg, r->entry),
		   yconv_line(r->entry, path), r->section, r->index, path, text);
}

/* A container's stele.json keys, checked by the code stele-onboot and the
 * supervisor parse stele.json with: what passes here passes at boot. */
static int check_settings(const struct config *cfg, const char *section, unsigned kind)
{
	int errors = 0;
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(cfg->root, section), i, c)
	{
		json_t *mine = json_object();
		for (const struct schema_field *f = schema_bundle; f->key; f++) {
			json_t *v = json_object_get(c, f->key);
			if (v)
				json_object_set(mine, f->key, v);
		}
		struct yaml_report r = {.cfg = cfg, .entry = c, .section = section, .index = i};
		errors += settings_check(mine, kind, report_yaml, &r);
		json_decref(mine);
	}
	return errors;
}

/* A mapping that becomes init.conf keys (state:, watchdog:), checked as
 * init will read them. */
static int check_conf_section(const struct config *cfg, const char *section,
			      const struct schema_field *table)
{
	int errors = 0;
	const char *key;
	json_t *v;
	json_object_foreach(json_object_get(cfg->root, section), key, v)
	{
		const struct schema_field *f = schema_find(table, key);
		const char *text = json_string_value(v);
		if (!f || !text || schema_conf_ok(f, text))
			continue;
		char path[300], why[512];
		snprintf(path, sizeof path, "%s.%s", section, key);
		schema_problem(SCHEMA_VALUE, f, text, why, sizeof why);
		log_msg_as(LOG_ERR, NULL, "%s:%d: %s: %s", schema_file_of(cfg, cfg->root),
			   yconv_line(cfg->root, path), path, why);
		errors++;
	}
	return errors;
}

/* Volumes live under /containers and are written at boot (their merged
 * folders are mount points filled by onboot): they need the cpio layout. */
static int check_layout(const struct config *cfg)
{
	const char *layout =
	    json_string_value(json_object_get(json_object_get(cfg->root, "containers"), "layout"));
	if (!layout || strcmp(layout, "erofs") != 0 ||
	    !json_array_size(json_object_get(cfg->root, "volumes")))
		return 0;
	log_msg_as(LOG_ERR, NULL,
		   "%s:%d: containers.layout: erofs cannot hold volumes (they live under "
		   "/containers); use layout cpio or drop the volumes",
		   schema_file_of(cfg, cfg->root), yconv_line(cfg->root, "containers.layout"));
	return 1;
}

/* A relative path in FILE is relative to FILE's folder: made absolute
 * before the files are merged, so it keeps that meaning. */
static void absolutize(json_t *obj, const char *key, const char *dir)
{
	const char *p = json_string_value(json_object_get(obj, key));
	if (!p || p[0] == '/' || (p[0] == '~' && p[1] == '/'))
		return;
	char full[8192];
	snprintf(full, sizeof full, "%s/%s", dir, p);
	json_object_set_new(obj, key, json_string(full));
}

/* What one file brings: its paths absolute, its entries marked with it
 * (schema_file_of), so that messages name the file a line is in. */
static void mark_file(json_t *root, const char *file)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", file);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	char real[4096];
	if (realpath(dir, real))
		snprintf(dir, sizeof dir, "%s", real);
	static const char *const kernel_paths[] = {"path", "image", "ucode", "modules_dir"};
	json_t *k = json_object_get(root, "kernel");
	for (size_t i = 0; k && i < 4; i++)
		absolutize(k, kernel_paths[i], dir);
	static const char *const lists[] = {"onboot", "onshutdown", "services", "files", "volumes"};
	json_object_set_new(root, "//file", json_string(file));
	for (size_t l = 0; l < 5; l++) {
		size_t i;
		json_t *e;
		json_array_foreach(json_object_get(root, lists[l]), i, e)
		{
			json_object_set_new(e, "//file", json_string(file));
			if (l == 3)
				absolutize(e, "source", dir);
		}
	}
	if (k)
		json_object_set_new(k, "//file", json_string(file));
}

/* LinuxKit's AppendConfig: kernel keys of a later file replace earlier
 * ones, init and the lists are appended; stele's own mappings (state,
 * watchdog, sysctl) are merged key by key, other keys replaced. */
static void append_config(json_t *into, json_t *more)
{
	const char *key;
	json_t *v;
	json_object_foreach(more, key, v)
	{
		json_t *have = json_object_get(into, key);
		if (json_is_array(have) && json_is_array(v))
			json_array_extend(have, v);
		else if (json_is_object(have) && json_is_object(v) && strcmp(key, "//lines"))
			json_object_update(have, v);
		else if (strcmp(key, "//lines") && strcmp(key, "//file"))
			json_object_set(into, key, v);
	}
	/* Top-level keys' lines: the first file's, where it has them. */
	json_t *lines = json_object_get(into, "//lines"),
	       *more_lines = json_object_get(more, "//lines");
	if (json_is_object(lines) && json_is_object(more_lines))
		json_object_update_missing(lines, more_lines);
}

const char *schema_file_of(const struct config *cfg, const json_t *obj)
{
	const char *f = json_string_value(json_object_get(obj, "//file"));
	return f ? f : cfg->file;
}

int schema_load_files(const char *const *files, size_t n, struct config *cfg)
{
	*cfg = (struct config){0};
	if (n == 0)
		return -1;
	snprintf(cfg->file, sizeof cfg->file, "%s", files[0]);
	const char *base = strrchr(files[0], '/');
	base = base ? base + 1 : files[0];
	snprintf(cfg->name, sizeof cfg->name, "%s", base);
	char *dot = strrchr(cfg->name, '.');
	if (dot && (strcmp(dot, ".yml") == 0 || strcmp(dot, ".yaml") == 0))
		*dot = '\0';
	int errors = 0;
	bool unreadable = false;
	for (size_t i = 0; i < n; i++) {
		int e;
		json_t *root = yamlconv_load(files[i], top_fields, &e);
		errors += e;
		if (!root) {
			unreadable = true;
			continue;
		}
		if (n > 1)
			mark_file(root, files[i]);
		if (!cfg->root)
			cfg->root = root;
		else {
			append_config(cfg->root, root);
			json_decref(root);
		}
	}
	if (unreadable || !cfg->root) {
		schema_free(cfg);
		return -1;
	}
	for (size_t s = 0; s < 3; s++) {
		errors += check_names(cfg, schema_sections[s]);
		errors += check_settings(cfg, schema_sections[s], schema_section_kind(s));
	}
	errors += check_conf_section(cfg, "state", schema_state);
	errors += check_conf_section(cfg, "watchdog", schema_watchdog);
	errors += check_volumes(cfg);
	errors += check_conf_section(cfg, "update", schema_update);
	errors += check_conf_section(cfg, "containers", schema_containers);
	errors += check_layout(cfg);
	if (!errors)
		errors += check_dependencies(cfg);
	cfg->errors = errors;
	return 0;
}

int schema_load(const char *file, struct config *cfg)
{
	if (schema_load_files(&file, 1, cfg) < 0)
		return -1;
	if (cfg->errors) {
		schema_free(cfg);
		return -1;
	}
	return 0;
}

void schema_free(struct config *cfg)
{
	json_decref(cfg->root);
	cfg->root = NULL;
}
