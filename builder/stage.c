#include "builder/stage.h"

#include "builder/fsutil.h"
#include "lib/log.h"
#include "lib/resolver.h"
#include "lib/spawn.h"
#include "schema/schema.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int tree_path(const struct stage *st, const char *rel, char *out, size_t len)
{
	return path_join(out, len, st->tree, rel);
}

int stage_base(struct stage *st)
{
	static const char *const dirs[] = {
	    "bin", "sbin", "etc/stele", "etc/sysctl.d", "proc", "sys",	      "dev", "run", "tmp",
	    "var", "root", "usr/bin",	"usr/sbin",	"lib",	"containers", "mnt", NULL};
	char path[PATH_MAX];
	for (const char *const *d = dirs; *d; d++)
		if (tree_path(st, *d, path, sizeof path) < 0 || mkdir_p(path, 0755) < 0)
			return -1;
	if (meta_own(st->meta, "tmp", 0, 0, 01777) < 0 ||
	    meta_own(st->meta, "root", 0, 0, 0700) < 0)
		return -1;
	/* The kernel opens /dev/console before devtmpfs is mounted. */
	if (meta_node(st->meta, "dev/console", 0600, 0, 0, 'c', 5, 1) < 0 ||
	    meta_node(st->meta, "dev/null", 0666, 0, 0, 'c', 1, 3) < 0)
		return -1;
	return 0;
}

/* Paths of the shared libraries SRC needs, from ldd, as one string of
 * lines; NULL with nothing to do for a static binary. */
static int ldd(const char *src, char **out)
{
	*out = NULL;
	int fd = memfd_create("ldd", MFD_CLOEXEC);
	if (fd < 0) {
		log_err("memfd: %s", strerror(errno));
		return -1;
	}
	char *argv[] = {"/usr/bin/ldd", (char *)src, NULL};
	int status = run_bounded(argv, fd, 30000, 1000);
	off_t size = lseek(fd, 0, SEEK_END);
	if (status < 0 || size < 0) {
		log_err("ldd %s: %s", src, strerror(errno));
		close(fd);
		return -1;
	}
	char *text = calloc(1, (size_t)size + 1);
	if (!text || pread(fd, text, (size_t)size, 0) != size) {
		free(text);
		close(fd);
		return -1;
	}
	close(fd);
	*out = text;
	return 0;
}

int stage_host_binary(struct stage *st, const char *src, const char *dest)
{
	char path[PATH_MAX];
	if (tree_path(st, dest, path, sizeof path) < 0 || mkdir_parents(path) < 0 ||
	    copy_file(src, path, 0755) < 0)
		return -1;
	char *text;
	if (ldd(src, &text) < 0)
		return -1;
	int rc = 0;
	for (char *save, *line = strtok_r(text, "\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		char *lib = strchr(line, '/');
		if (!lib || strstr(line, "not found"))
			continue;
		lib[strcspn(lib, " (")] = '\0';
		char to[PATH_MAX];
		if (tree_path(st, lib, to, sizeof to) < 0)
			rc = -1;
		else if (!path_exists(to))
			rc = mkdir_parents(to) < 0 || copy_file(lib, to, 0755) < 0 ? -1 : 0;
	}
	free(text);
	return rc;
}

/* What each name of the YAML's `init:` puts in the image. From stele's
 * bin dir when `host` is false, else from the host (Debian). */
struct component {
	const char *name;
	bool host;
	bool libs;		 /* a stele binary linked dynamically: its libraries come too */
	const char *files[3][2]; /* source, destination */
	const char *link[2];	 /* a symlink in the image: path, target */
};

static const struct component components[] = {
    {.name = "init",
     .host = false,
     .files = {{"init", "/sbin/init"}, {"stele-pid1", "/sbin/stele-pid1"}}},
    {.name = "supervisor",
     .host = false,
     .files = {{"stele-supervisor", "/sbin/stele-supervisor"}}},
    {.name = "onboot", .host = false, .files = {{"stele-onboot", "/sbin/stele-onboot"}}},
    {.name = "stelectl", .host = false, .files = {{"stelectl", "/usr/bin/stelectl"}}},
    {.name = "metadata", .host = false, .files = {{"stele-metadata", "/sbin/stele-metadata"}}},
    /* stelectl update --url and userdata's stele.update.url over http(s):
     * libcurl and its libraries (update/fetch.h), for images that want it. */
    {.name = "fetch", .libs = true, .files = {{"stele-fetch", "/usr/bin/stele-fetch"}}},
    {.name = "runc", .host = true, .files = {{"/usr/sbin/runc", "/usr/bin/runc"}}},
    /* crun in runc's place: stele-onboot and the containerd shim both run
     * "runc" from PATH, and crun takes runc's command line. A C runtime
     * costs a fraction of runc's Go start-up per container (bench/). */
    {.name = "crun",
     .host = true,
     .files = {{"/usr/bin/crun", "/usr/bin/crun"}},
     .link = {"/usr/bin/runc", "crun"}},
    {.name = "containerd",
     .host = true,
     .files = {{"/usr/bin/containerd", "/usr/bin/containerd"},
	       {"/usr/bin/containerd-shim-runc-v2", "/usr/bin/containerd-shim-runc-v2"}}},
    {.name = "ctr", .host = true, .files = {{"/usr/bin/ctr", "/usr/bin/ctr"}}},
    {.name = "e2fsprogs",
     .host = true,
     .files = {{"/usr/sbin/mke2fs", "/sbin/mke2fs"},
	       {"/usr/sbin/e2fsck", "/sbin/e2fsck"},
	       {"/usr/sbin/resize2fs", "/sbin/resize2fs"}}},
    {.name = "busybox", .host = true, .files = {{"/bin/busybox", "/bin/busybox"}}},
};

/* Used when the YAML has no `init:`; missing stele binaries are then only
 * warnings, so images build while the components are being written. */
static const char *const default_components[] = {"init",       "supervisor", "onboot",
						 "stelectl",   "metadata",   "runc",
						 "containerd", "e2fsprogs",  NULL};

static int busybox_applets(struct stage *st)
{
	char *argv[] = {"busybox", "--list-full", NULL};
	int fd = memfd_create("applets", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	char bb[PATH_MAX];
	if (tree_path(st, "bin/busybox", bb, sizeof bb) < 0)
		return -1;
	argv[0] = bb;
	int status = run_bounded(argv, fd, 10000, 1000);
	off_t size = lseek(fd, 0, SEEK_END);
	char *text = size > 0 ? calloc(1, (size_t)size + 1) : NULL;
	if (status != 0 || !text || pread(fd, text, (size_t)size, 0) != size) {
		log_err("busybox --list-full failed; is /bin/busybox busybox-static?");
		free(text);
		close(fd);
		return -1;
	}
	close(fd);
	int rc = 0;
	for (char *save, *line = strtok_r(text, "\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		char path[PATH_MAX];
		if (strcmp(line, "sbin/init") == 0 || strcmp(line, "linuxrc") == 0 ||
		    tree_path(st, line, path, sizeof path) < 0 || path_exists(path))
			continue;
		int depth = 0;
		for (const char *p = line; *p; p++)
			depth += *p == '/';
		char target[64] = "";
		for (int d = 0; d < depth; d++)
			strcat(target, "../");
		strcat(target, "bin/busybox");
		if (mkdir_parents(path) < 0 || symlink(target, path) < 0) {
			log_err("%s: %s", path, strerror(errno));
			rc = -1;
		}
	}
	free(text);
	return rc;
}

static int stage_component(struct stage *st, const struct component *c, bool required)
{
	for (size_t i = 0; i < 3 && c->files[i][0]; i++) {
		char src[PATH_MAX];
		if (c->host)
			snprintf(src, sizeof src, "%s", c->files[i][0]);
		else if (path_join(src, sizeof src, st->bin_dir, c->files[i][0]) < 0)
			return -1;
		if (!path_exists(src)) {
			log_msg(required ? LOG_ERR : LOG_WARN,
				"init component \"%s\" needs %s, which is missing; %s", c->name,
				src, c->host ? "install it (tools/deps.sh)" : "run make");
			if (required)
				return -1;
			continue;
		}
		int rc = c->host || c->libs ? stage_host_binary(st, src, c->files[i][1]) : 0;
		if (!c->host && !c->libs) {
			char dst[PATH_MAX];
			rc = tree_path(st, c->files[i][1], dst, sizeof dst) < 0 ||
				     mkdir_parents(dst) < 0 || copy_file(src, dst, 0755) < 0
				 ? -1
				 : 0;
		}
		if (rc < 0)
			return -1;
	}
	if (strcmp(c->name, "init") == 0) {
		char link[PATH_MAX];
		if (tree_path(st, "init", link, sizeof link) < 0 ||
		    symlink("sbin/init", link) < 0) {
			log_err("/init: %s", strerror(errno));
			return -1;
		}
	}
	if (c->link[0]) {
		char link[PATH_MAX];
		if (tree_path(st, c->link[0], link, sizeof link) < 0 || mkdir_parents(link) < 0 ||
		    symlink(c->link[1], link) < 0) {
			log_err("%s -> %s: %s", c->link[0], c->link[1], strerror(errno));
			return -1;
		}
	}
	if (strcmp(c->name, "busybox") == 0)
		return busybox_applets(st);
	return 0;
}

static bool lists(json_t *list, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) if (json_is_string(v) &&
					   strcmp(json_string_value(v), name) == 0) return true;
	return false;
}

static const struct component *component_named(const char *name)
{
	for (size_t i = 0; i < sizeof components / sizeof *components; i++)
		if (strcmp(components[i].name, name) == 0)
			return &components[i];
	return NULL;
}

#define INIT_EXAMPLE "init: [init, supervisor, onboot, runc, containerd]"

/* LinuxKit's init: names images (linuxkit/init:TAG, ...); stele's names
 * components. One line naming the component that replaces it. */
static bool linuxkit_image(const struct config *cfg, const char *ref)
{
	if (!strchr(ref, '/') && !strchr(ref, ':') && !strchr(ref, '@'))
		return false;
	char base[128];
	const char *slash = strrchr(ref, '/');
	snprintf(base, sizeof base, "%s", slash ? slash + 1 : ref);
	base[strcspn(base, ":@")] = '\0';
	const struct component *c = component_named(base);
	if (strcmp(base, "init") == 0)
		schema_error(cfg, cfg->root, "init",
			     "\"%s\" is a LinuxKit image; stele's own are the components init, "
			     "supervisor and onboot: " INIT_EXAMPLE,
			     ref);
	else if (c)
		schema_error(cfg, cfg->root, "init",
			     "\"%s\" is a LinuxKit image; list the component \"%s\" instead", ref,
			     c->name);
	else
		schema_error(cfg, cfg->root, "init",
			     "\"%s\" is a LinuxKit image with no stele component; remove it "
			     "(components: init, supervisor, onboot, stelectl, metadata, fetch, "
			     "runc, crun, containerd, ctr, e2fsprogs, busybox)",
			     ref);
	return true;
}

static bool has_containers(const struct config *cfg, const char *section)
{
	return json_array_size(json_object_get(cfg->root, section)) > 0;
}

/* The components without which the image cannot boot what it holds: no
 * /init, services nobody starts or runs, onboot containers nobody runs. */
static bool init_complete(const struct config *cfg, json_t *list)
{
	if (!json_array_size(list)) {
		schema_error(
		    cfg, cfg->root, "init",
		    "is empty, so the image would have no /init; list the components (" INIT_EXAMPLE
		    ") or drop init: for the default set");
		return false;
	}
	char missing[192] = "";
	if (!lists(list, "init"))
		strcat(missing, ", init (/init)");
	if (has_containers(cfg, "services") && !lists(list, "supervisor"))
		strcat(missing, ", supervisor (starts services:)");
	if (has_containers(cfg, "services") && !lists(list, "containerd"))
		strcat(missing, ", containerd (runs services:)");
	if ((has_containers(cfg, "onboot") || has_containers(cfg, "onshutdown")) &&
	    !lists(list, "onboot"))
		strcat(missing, ", onboot (runs onboot: and onshutdown:)");
	else if (has_containers(cfg, "volumes") && !lists(list, "onboot"))
		strcat(missing, ", onboot (sets up volumes:)");
	if (!missing[0])
		return true;
	schema_error(cfg, cfg->root, "init", "lacks %s; the usual list: " INIT_EXAMPLE,
		     missing + 2);
	return false;
}

int stage_check_init(const struct config *cfg)
{
	json_t *list = json_object_get(cfg->root, "init");
	if (!list)
		return 0;
	int errors = 0;
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		const char *name = json_string_value(v);
		if (!name) /* a wrong type: reported by the schema */
			continue;
		if (linuxkit_image(cfg, name))
			errors++;
		else if (!component_named(name)) {
			schema_error(
			    cfg, cfg->root, "init",
			    "unknown component \"%s\"; expected init, supervisor, onboot, "
			    "stelectl, metadata, fetch, runc, crun, containerd, ctr, e2fsprogs or "
			    "busybox",
			    name);
			errors++;
		}
	}
	/* What is missing follows from the LinuxKit images' lines already. */
	if (!errors && !init_complete(cfg, list))
		errors++;
	if (lists(list, "runc") && lists(list, "crun")) {
		schema_error(cfg, cfg->root, "init",
			     "runc and crun are both listed; keep one (crun is installed as "
			     "/usr/bin/runc in its place)");
		errors++;
	}
	return errors;
}

int stage_components(struct stage *st)
{
	json_t *list = json_object_get(st->cfg->root, "init");
	if (!list) {
		for (const char *const *n = default_components; *n; n++)
			if (stage_component(st, component_named(*n), false) < 0)
				return -1;
		return 0;
	}
	if (stage_check_init(st->cfg) > 0)
		return -1;
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		if (stage_component(st, component_named(json_string_value(v)), true) < 0)
			return -1;
	}
	return 0;
}

static int write_tree_file(struct stage *st, const char *rel, const char *text, mode_t mode)
{
	char path[PATH_MAX];
	if (tree_path(st, rel, path, sizeof path) < 0 || mkdir_parents(path) < 0)
		return -1;
	return write_file(path, text, strlen(text), mode);
}

/* init.conf keys from the YAML: state.X -> schema_state's conf_key,
 * kernel.modules, debug, watchdog.device -> watchdog, watchdog.timeout ->
 * watchdog_timeout. */
/* The section's values as init.conf lines: the YAML's text, which
 * schema_conf_ok() took (builder/schema.c); booleans as 1 or 0. */
static void conf_section(const json_t *section, const struct schema_field *table, FILE *f)
{
	json_t *v;
	for (const struct schema_field *sf = table; sf->key; sf++) {
		if (!(v = json_object_get(section, sf->key)))
			continue;
		const char *text = json_string_value(v);
		bool b;
		if (sf->type == SCHEMA_BOOL && schema_conf_bool(text, &b) == 0)
			text = b ? "1" : "0";
		fprintf(f, "%s=%s\n", sf->conf_key, text);
	}
}

static void init_conf(const struct config *cfg, FILE *f)
{
	json_t *root = cfg->root, *v;
	fprintf(f, "# written by stele build from %s\nsupervisor=/sbin/stele-supervisor\n",
		cfg->name);
	json_t *modules = json_object_get(json_object_get(root, "kernel"), "modules");
	if (json_array_size(modules)) {
		fputs("modules=", f);
		size_t i;
		json_array_foreach(modules, i, v)
		    fprintf(f, "%s%s", i ? " " : "", json_string_value(v));
		fputc('\n', f);
	}
	if (json_is_true(json_object_get(root, "debug")))
		fputs("debug=1\n", f);
	conf_section(json_object_get(root, "state"), schema_state, f);
	/* A watchdog: section with no device names the usual one. */
	json_t *watchdog = json_object_get(root, "watchdog");
	if (watchdog && !json_object_get(watchdog, "device"))
		fprintf(f, "watchdog=%s\n", schema_find(schema_watchdog, "device")->def);
	conf_section(watchdog, schema_watchdog, f);
	conf_section(json_object_get(root, "update"), schema_update, f);
	conf_section(json_object_get(root, "containers"), schema_containers, f);
}

/* The root is read-only at run time: the resolver lives in /run, where
 * init creates it and dhcpcd writes it (lib/resolver.h). */
static int stage_resolv_conf(struct stage *st)
{
	char path[PATH_MAX];
	if (tree_path(st, "etc/resolv.conf", path, sizeof path) < 0 || mkdir_parents(path) < 0)
		return -1;
	if (symlink(RESOLVER_FILE, path) < 0) {
		log_err("/etc/resolv.conf: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int stage_etc(struct stage *st)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return -1;
	init_conf(st->cfg, f);
	fclose(f);
	int rc = write_tree_file(st, "etc/stele/init.conf", buf, 0644);
	free(buf);
	if (rc < 0)
		return -1;
	json_t *sysctl = json_object_get(st->cfg->root, "sysctl");
	if (json_object_size(sysctl)) {
		f = open_memstream(&buf, &len);
		if (!f)
			return -1;
		const char *k;
		json_t *v;
		json_object_foreach(sysctl, k, v) fprintf(f, "%s = %s\n", k, json_string_value(v));
		fclose(f);
		rc = write_tree_file(st, "etc/sysctl.d/00-stele.conf", buf, 0644);
		free(buf);
		if (rc < 0)
			return -1;
	}
	const char *hostname = json_string_value(json_object_get(st->cfg->root, "hostname"));
	if (hostname) {
		char line[300];
		snprintf(line, sizeof line, "%s\n", hostname);
		if (write_tree_file(st, "etc/hostname", line, 0644) < 0)
			return -1;
	}
	return stage_resolv_conf(st);
}

/* LinuxKit's ids for files: a number, "root" (or empty) for 0, or a
 * container's name, which LinuxKit gives the uid and gid 100, 101, ... in
 * the order onboot, onshutdown, services. */
static int file_id(const struct config *cfg, const json_t *v, unsigned *out)
{
	*out = 0;
	if (!v || json_is_integer(v)) {
		*out = v ? (unsigned)json_integer_value(v) : 0;
		return 0;
	}
	const char *s = json_string_value(v);
	char *end;
	unsigned long n = strtoul(s, &end, 10);
	if (*s && !*end) {
		*out = (unsigned)n;
		return 0;
	}
	if (!*s || strcmp(s, "root") == 0)
		return 0;
	unsigned id = 100;
	for (size_t sec = 0; sec < 3; sec++) {
		size_t i;
		json_t *c;
		json_array_foreach(json_object_get(cfg->root, schema_sections[sec]), i, c)
		{
			const char *name = json_string_value(json_object_get(c, "name"));
			if (name && strcmp(name, s) == 0) {
				*out = id;
				return 0;
			}
			id++;
		}
	}
	return -1;
}

/* A file's source on the build host: ~/ is the home folder, as LinuxKit's;
 * a relative one is relative to the YAML's folder. */
static int file_source(const char *yml_dir, const char *source, char *out, size_t len)
{
	const char *home = getenv("HOME");
	if (source[0] == '~' && source[1] == '/' && home)
		return snprintf(out, len, "%s%s", home, source + 1) < (int)len ? 0 : -1;
	if (source[0] == '/')
		return snprintf(out, len, "%s", source) < (int)len ? 0 : -1;
	return path_join(out, len, yml_dir, source);
}

static int check_file(const struct config *cfg, const char *yml_dir, const json_t *file)
{
	const char *dest = json_string_value(json_object_get(file, "path"));
	if (!dest || !*dest || strstr(dest, "..")) {
		schema_error(cfg, file, "path", "expected a path inside the image, without ..");
		return 1;
	}
	int errors = 0;
	const char *source = json_string_value(json_object_get(file, "source"));
	int given = (json_object_get(file, "contents") != NULL) + (source != NULL) +
		    (json_object_get(file, "symlink") != NULL) +
		    json_is_true(json_object_get(file, "directory")) +
		    (json_object_get(file, "metadata") != NULL);
	if (given > 1) {
		schema_error(cfg, file, "path",
			     "%s: expected only one of contents, source, metadata, symlink, "
			     "directory",
			     dest);
		errors++;
	}
	static const char *const ids[] = {"uid", "gid"};
	for (size_t i = 0; i < 2; i++) {
		unsigned id;
		const json_t *v = json_object_get(file, ids[i]);
		if (file_id(cfg, v, &id) < 0) {
			schema_error(cfg, file, ids[i],
				     "\"%s\" is neither a number, root, nor a container's name",
				     json_string_value(v));
			errors++;
		}
	}
	char src[PATH_MAX];
	if (source && !json_is_true(json_object_get(file, "optional"))) {
		if (file_source(yml_dir, source, src, sizeof src) < 0 || !path_exists(src)) {
			schema_error(cfg, file, "source", "%s: %s does not exist", dest, source);
			errors++;
		}
	}
	return errors;
}

int stage_check_files(const struct config *cfg, const char *yml_dir)
{
	int errors = 0;
	size_t i;
	json_t *file;
	json_array_foreach(json_object_get(cfg->root, "files"), i, file) errors +=
	    check_file(cfg, yml_dir, file);
	return errors;
}

/* files[].metadata: the whole configuration, as LinuxKit writes it for a
 * container to read; stele writes JSON for both json and yaml (JSON is
 * YAML), without the builder's own "//" keys. */
static json_t *without_internal(const json_t *v)
{
	if (json_is_array(v)) {
		json_t *a = json_array();
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) json_array_append_new(a, without_internal(x));
		return a;
	}
	if (!json_is_object(v))
		return json_deep_copy(v);
	json_t *o = json_object();
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)v, k, x) if (strncmp(k, "//", 2) != 0)
	    json_object_set_new(o, k, without_internal(x));
	return o;
}

static int write_metadata(const struct config *cfg, const char *path, mode_t mode)
{
	json_t *clean = without_internal(cfg->root);
	char *text = json_dumps(clean, JSON_INDENT(4) | JSON_SORT_KEYS);
	json_decref(clean);
	if (!text)
		return -1;
	int rc = write_file(path, text, strlen(text), mode);
	free(text);
	return rc;
}

static int stage_file(struct stage *st, json_t *file)
{
	const char *dest = json_string_value(json_object_get(file, "path"));
	const char *contents = json_string_value(json_object_get(file, "contents"));
	const char *source = json_string_value(json_object_get(file, "source"));
	const char *symlink_to = json_string_value(json_object_get(file, "symlink"));
	bool directory = json_is_true(json_object_get(file, "directory"));
	const char *m = json_string_value(json_object_get(file, "mode"));
	/* LinuxKit's defaults: files often hold secrets (a password hash, a
	 * key), so nothing the YAML does not open up is readable by others. */
	mode_t mode = m ? (mode_t)strtol(m, NULL, 8) : directory ? 0700 : 0600;
	char path[PATH_MAX];
	if (tree_path(st, dest, path, sizeof path) < 0 || mkdir_parents(path) < 0)
		return -1;
	int rc;
	if (directory) {
		rc = mkdir_p(path, 0755);
	} else if (symlink_to) {
		unlink(path);
		rc = symlink(symlink_to, path);
		if (rc < 0)
			log_err("files: %s: %s", dest, strerror(errno));
	} else if (json_object_get(file, "metadata")) {
		rc = write_metadata(st->cfg, path, mode);
	} else if (source) {
		char src[PATH_MAX];
		if (file_source(st->yml_dir, source, src, sizeof src) < 0)
			return -1;
		if (!path_exists(src))
			return 0; /* optional: check_file reported the others */
		rc = copy_file(src, path, mode);
	} else {
		rc = write_file(path, contents ? contents : "", contents ? strlen(contents) : 0,
				mode);
	}
	if (rc < 0)
		return -1;
	while (*dest == '/')
		dest++;
	unsigned uid, gid;
	file_id(st->cfg, json_object_get(file, "uid"), &uid);
	file_id(st->cfg, json_object_get(file, "gid"), &gid);
	if (symlink_to)
		return uid || gid ? meta_own(st->meta, dest, uid, gid, -1) : 0;
	return meta_own(st->meta, dest, uid, gid, (int)mode);
}

int stage_files(struct stage *st)
{
	size_t i;
	json_t *file;
	json_array_foreach(json_object_get(st->cfg->root, "files"), i,
			   file) if (stage_file(st, file) < 0) return -1;
	return 0;
}
