#include "onboot/bundle.h"

#include "lib/error.h"
#include "schema/schema.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int bundle_name(const char *entry, char *name, size_t len)
{
	const char *p = entry;
	while (*p >= '0' && *p <= '9')
		p++;
	if (p != entry && *p == '-')
		p++;
	if (!schema_name_valid(p) || strlen(p) >= len)
		return -1;
	snprintf(name, len, "%s", p);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The sorted names of DIR's subdirectories, NULL-terminated. */
static char **sorted_subdirs(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	size_t n = 0, cap = 16;
	char **names = malloc(cap * sizeof *names);
	struct dirent *e;
	while (names && (e = readdir(d))) {
		char path[PATH_MAX];
		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path ||
		    !is_dir(path))
			continue;
		if (n + 1 >= cap) {
			char **grown = realloc(names, (cap *= 2) * sizeof *names);
			if (!grown)
				break;
			names = grown;
		}
		if (!(names[n] = strdup(e->d_name)))
			break;
		n++;
	}
	int saved = errno;
	closedir(d);
	if (names)
		qsort(names, n, sizeof *names, by_name);
	errno = saved;
	*count = n;
	return names;
}

int bundles_list(const char *dir, struct bundle **out)
{
	*out = NULL;
	size_t n = 0;
	char **names = sorted_subdirs(dir, &n);
	if (!names)
		return errno == ENOENT ? 0 : -1;
	struct bundle *list = calloc(n + 1, sizeof *list);
	for (size_t i = 0; list && i < n; i++) {
		snprintf(list[i].dir, sizeof list[i].dir, "%s/%s", dir, names[i]);
		/* A bad name is caught by bundle_check(), with its message. */
		if (bundle_name(names[i], list[i].name, sizeof list[i].name) < 0)
			list[i].name[0] = '\0';
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (!list) {
		errno = ENOMEM;
		return -1;
	}
	*out = list;
	return (int)n;
}

/* runc resolves cwd inside the container after pivot_root; a cwd through
 * /proc (CVE-2024-21626: /proc/self/fd/N reaching a leaked host fd) or
 * climbing with ".." has no business in an onboot container. */
static bool safe_cwd(const char *cwd)
{
	if (cwd[0] != '/' || strncmp(cwd, "/proc", 5) == 0)
		return false;
	for (const char *p = cwd; (p = strstr(p, "..")); p += 2)
		if (p[-1] == '/' && (p[2] == '/' || p[2] == '\0'))
			return false;
	return true;
}

static int check_process(const char *config, const json_t *process, char *err, size_t len)
{
	const json_t *args = json_object_get(process, "args");
	if (!json_is_array(args) || json_array_size(args) == 0)
		return set_error(err, len, "%s: process.args is missing: name the program to run",
				 config);
	if (json_is_true(json_object_get(process, "terminal")))
		return set_error(err, len,
				 "%s: process.terminal is true: set it to false (onboot "
				 "containers have no terminal)",
				 config);
	const char *cwd = json_string_value(json_object_get(process, "cwd"));
	if (!cwd || !safe_cwd(cwd))
		return set_error(
		    err, len,
		    "%s: process.cwd \"%s\" is unsafe: use an absolute path inside the "
		    "rootfs, not under /proc and without \"..\"",
		    config, cwd ? cwd : "");
	return 0;
}

static int check_root(const struct bundle *b, const char *config, const json_t *doc, char *err,
		      size_t len)
{
	const char *root = json_string_value(json_object_get(json_object_get(doc, "root"), "path"));
	if (!root)
		return set_error(err, len, "%s: root.path is missing: set it to \"rootfs\"",
				 config);
	char path[PATH_MAX];
	int n = root[0] == '/' ? snprintf(path, sizeof path, "%s", root)
			       : snprintf(path, sizeof path, "%s/%s", b->dir, root);
	if (n < 0 || (size_t)n >= sizeof path)
		return set_error(err, len, "%s: root.path is too long", config);
	if (!is_dir(path))
		return set_error(err, len,
				 "%s: rootfs %s is missing: put the container's files there",
				 b->dir, path);
	return 0;
}

int bundle_check(const struct bundle *b, char *err, size_t len)
{
	if (!b->name[0])
		return set_error(
		    err, len,
		    "%s: bad bundle name: use NNN-NAME with NAME 1 to 63 letters, digits, "
		    "'_', '.' and '-', not starting with '.'",
		    b->dir);
	char config[PATH_MAX + 16];
	snprintf(config, sizeof config, "%s/config.json", b->dir);
	struct stat st;
	if (stat(config, &st) < 0)
		return set_error(err, len, "%s: %s: add the OCI runtime spec (runc spec makes one)",
				 config, strerror(errno));
	json_error_t jerr;
	json_t *doc = json_load_file(config, 0, &jerr);
	if (!doc)
		return set_error(err, len, "%s: invalid JSON at line %d: %s", config, jerr.line,
				 jerr.text);
	int r = -1;
	const json_t *process = json_object_get(doc, "process");
	if (!json_is_object(doc))
		set_error(err, len, "%s: not a JSON object: write an OCI runtime spec", config);
	else if (!json_is_object(process))
		set_error(err, len, "%s: process is missing: name the program to run", config);
	else if (check_process(config, process, err, len) == 0)
		r = check_root(b, config, doc, err, len);
	json_decref(doc);
	return r;
}
