#include "builder/modules.h"

#include "builder/fsutil.h"
#include "lib/log.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dep_line {
	char *line; /* "kernel/x/a.ko: kernel/y/b.ko ..." */
	char name[64];
	bool wanted;
};

/* "kernel/drivers/virtio/virtio_pci.ko" -> "virtio_pci" */
static void module_name(const char *path, size_t len, char *out, size_t outlen)
{
	const char *base = path;
	for (const char *p = path; p < path + len; p++)
		if (*p == '/')
			base = p + 1;
	size_t n = 0;
	for (const char *p = base; p < path + len && *p != '.' && n + 1 < outlen; p++)
		out[n++] = *p == '-' ? '_' : *p;
	out[n] = '\0';
}

static struct dep_line *find(struct dep_line *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

static void want(struct dep_line *v, size_t n, struct dep_line *d)
{
	if (d->wanted)
		return;
	d->wanted = true;
	const char *deps = strchr(d->line, ':') + 1;
	while (*deps) {
		deps += strspn(deps, " \t");
		size_t len = strcspn(deps, " \t");
		if (!len)
			break;
		char name[64];
		module_name(deps, len, name, sizeof name);
		struct dep_line *x = find(v, n, name);
		if (x)
			want(v, n, x);
		deps += len;
	}
}

static bool builtin(const char *src, const char *name)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/modules.builtin", src);
	char *text = read_text(path, NULL);
	if (!text)
		return false;
	bool found = false;
	for (char *line = strtok(text, "\n"); line && !found; line = strtok(NULL, "\n")) {
		char n[64];
		module_name(line, strlen(line), n, sizeof n);
		found = strcmp(n, name) == 0;
	}
	free(text);
	return found;
}

static int copy_wanted(const char *src, const char *dst, struct dep_line *v, size_t n)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += v[i].wanted ? strlen(v[i].line) + 1 : 0;
	char *dep = malloc(total + 1), *p = dep;
	if (!dep)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!v[i].wanted)
			continue;
		char file[PATH_MAX], from[PATH_MAX * 2], to[PATH_MAX * 2];
		snprintf(file, sizeof file, "%.*s", (int)strcspn(v[i].line, ":"), v[i].line);
		snprintf(from, sizeof from, "%s/%s", src, file);
		snprintf(to, sizeof to, "%s/%s", dst, file);
		if (mkdir_parents(to) < 0 || copy_file(from, to, 0644) < 0) {
			free(dep);
			return -1;
		}
		p += sprintf(p, "%s\n", v[i].line);
	}
	char path[PATH_MAX * 2];
	snprintf(path, sizeof path, "%s/modules.dep", dst);
	int rc = write_file(path, dep, (size_t)(p - dep), 0644);
	free(dep);
	char from[PATH_MAX * 2];
	snprintf(from, sizeof from, "%s/modules.builtin", src);
	snprintf(path, sizeof path, "%s/modules.builtin", dst);
	if (rc == 0 && path_exists(from))
		rc = copy_file(from, path, 0644);
	return rc;
}

int modules_stage(const char *src, const char *version, const json_t *names, const char *tree)
{
	char path[PATH_MAX], dst[PATH_MAX];
	snprintf(path, sizeof path, "%s/modules.dep", src);
	snprintf(dst, sizeof dst, "%s/lib/modules/%s", tree, version);
	char *text = read_text(path, NULL);
	if (!text) {
		log_err("kernel modules: %s is missing; run depmod -b on the kernel tree or "
			"set kernel.modules_dir",
			path);
		return -1;
	}
	size_t n = 0, cap = 0;
	struct dep_line *v = NULL;
	int rc = -1;
	for (char *save, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strchr(line, ':'))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			struct dep_line *g = realloc(v, cap * sizeof *g);
			if (!g)
				goto out;
			v = g;
		}
		v[n] = (struct dep_line){.line = line};
		module_name(line, strcspn(line, ":"), v[n].name, sizeof v[n].name);
		n++;
	}
	size_t i;
	json_t *m;
	int errors = 0;
	json_array_foreach(names, i, m)
	{
		char name[64];
		const char *s = json_string_value(m);
		module_name(s, strlen(s), name, sizeof name);
		struct dep_line *d = find(v, n, name);
		if (d)
			want(v, n, d);
		else if (!builtin(src, name)) {
			log_err("kernel.modules: no module \"%s\" in %s; check the name "
				"with modinfo",
				s, src);
			errors++;
		}
	}
	if (errors == 0 && mkdir_p(dst, 0755) == 0)
		rc = copy_wanted(src, dst, v, n);
out:
	free(v);
	free(text);
	return rc;
}

/* The power button (PID 1's ACPI shutdown), and virtio's PCI, network and
 * block drivers, which LinuxKit's kernels have built in: a LinuxKit file
 * that lists no modules still gets a network and disks under qemu. */
static const char *const default_modules[] = {"button", "evdev", "virtio_pci", "virtio_net",
					      "virtio_blk"};
/* vfat, its code pages and efivarfs: on a disk with A/B slots, stelectl
 * update reaches the ESP and the boot loader's variables
 * (update/README.md). */
static const char *const slot_modules[] = {"vfat", "nls_cp437", "nls_ascii", "efivarfs"};

static bool listed(const json_t *names, const char *name)
{
	size_t i;
	json_t *m;
	json_array_foreach(names, i, m)
	{
		char n[64];
		const char *s = json_string_value(m);
		module_name(s, strlen(s), n, sizeof n);
		if (strcmp(n, name) == 0)
			return true;
	}
	return false;
}

/* Whether modules.dep (text) has a line for module name. */
static bool in_dep(const char *text, const char *name)
{
	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");
		char n[64];
		module_name(line, strcspn(line, ":\n"), n, sizeof n);
		if (strcmp(n, name) == 0)
			return true;
		line += len + (line[len] == '\n');
	}
	return false;
}

static int add_listed(const char *text, const char *const *list, size_t n, json_t *names)
{
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		if (in_dep(text, list[i]) && !listed(names, list[i]))
			rc = json_array_append_new(names, json_string(list[i]));
	return rc;
}

/* loop and erofs: stage 1 mounts the erofs layout's image, a file in the
 * initramfs, through a loop device (boot/containers.h). */
static const char *const erofs_modules[] = {"loop", "erofs"};

/* The kinds of link that runtime.interfaces creates (`add: wireguard`),
 * which LinuxKit's kernels have built in and Debian's build as modules of
 * the same name: the image has no modprobe for the kernel to load one
 * when the link is asked for (hostlib/netif.h). */
static int add_link_kinds(const char *text, const json_t *kinds, json_t *names)
{
	size_t i;
	json_t *k;
	int rc = 0;
	json_array_foreach(kinds, i, k)
	{
		const char *kind = json_string_value(k);
		if (rc == 0 && kind && in_dep(text, kind) && !listed(names, kind))
			rc = json_array_append_new(names, json_string(kind));
	}
	return rc;
}

int modules_add_defaults(const char *src, json_t *names, bool slots, bool erofs,
			 const json_t *link_kinds)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/modules.dep", src);
	char *text = path_exists(path) ? read_text(path, NULL) : NULL;
	if (!text)
		return 0;
	int rc = add_listed(text, default_modules, sizeof default_modules / sizeof *default_modules,
			    names);
	if (rc == 0 && slots)
		rc = add_listed(text, slot_modules, sizeof slot_modules / sizeof *slot_modules,
				names);
	if (rc == 0 && erofs)
		rc = add_listed(text, erofs_modules, sizeof erofs_modules / sizeof *erofs_modules,
				names);
	if (rc == 0 && link_kinds)
		rc = add_link_kinds(text, link_kinds, names);
	free(text);
	return rc;
}
