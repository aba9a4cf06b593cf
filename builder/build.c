#include "builder/build.h"

#include "builder/bundle.h"
#include "builder/erofs.h"
#include "builder/formats.h"
#include "builder/fsutil.h"
#include "builder/modules.h"
#include "builder/schema.h"
#include "builder/stage.h"
#include "lib/log.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct outputs {
	char work[PATH_MAX]; /* DIR/.NAME.XXXXXX */
	char tree[PATH_MAX + 8];
	char kernel_src[PATH_MAX * 2];
	char modules_src[PATH_MAX * 2];
	char ucode_src[PATH_MAX * 2]; /* kernel.ucode, or empty */
	char version[256];
};

static int read_version(const char *kernel_dir, const char *modules_root, char *out, size_t len)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/version", kernel_dir);
	char *text = path_exists(path) ? read_text(path, NULL) : NULL;
	if (text) {
		text[strcspn(text, "\n")] = '\0';
		snprintf(out, len, "%s", text);
		free(text);
		return 0;
	}
	/* Otherwise the only folder under lib/modules. */
	DIR *d = opendir(modules_root);
	struct dirent *e;
	int found = 0;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && found++ == 0)
			snprintf(out, len, "%s", e->d_name);
	if (d)
		closedir(d);
	return found == 1 ? 0 : -1;
}

/* Every `add:` of runtime.interfaces, in onboot, services and onshutdown
 * (a new array, or NULL when out of memory). */
static json_t *interface_link_kinds(const json_t *root)
{
	static const char *const sections[] = {"onboot", "services", "onshutdown"};
	json_t *kinds = json_array();
	for (size_t s = 0; kinds && s < sizeof sections / sizeof *sections; s++) {
		size_t i, j;
		json_t *c, *iface;
		json_array_foreach(json_object_get(root, sections[s]), i, c)
		{
			json_t *ifaces =
			    json_object_get(json_object_get(c, "runtime"), "interfaces");
			json_array_foreach(ifaces, j, iface)
			{
				json_t *add = json_object_get(iface, "add");
				if (json_is_string(add) && json_array_append(kinds, add) < 0) {
					json_decref(kinds);
					return NULL;
				}
			}
		}
	}
	return kinds;
}

/* kernel.modules plus what every image gets (modules.h), what an image
 * that boots from an ESP of A/B slots needs (a disk with the ESP, or a UKI,
 * which is what an update installs), and the modules of the links that
 * runtime.interfaces creates. */
static int add_default_modules(const struct build_opts *o, const struct config *cfg,
			       const char *modules_src)
{
	unsigned esp = FORMAT_BIT(FORMAT_UKI) | FORMAT_BIT(FORMAT_RAW_EFI) |
		       FORMAT_BIT(FORMAT_QCOW2) | FORMAT_BIT(FORMAT_VHD) | FORMAT_BIT(FORMAT_VMDK) |
		       FORMAT_BIT(FORMAT_GCP);
	json_t *k = json_object_get(cfg->root, "kernel");
	if (!k && json_object_set_new(cfg->root, "kernel", k = json_object()) < 0)
		return -1;
	json_t *names = json_object_get(k, "modules");
	if (!names && json_object_set_new(k, "modules", names = json_array()) < 0)
		return -1;
	json_t *kinds = interface_link_kinds(cfg->root);
	int rc = kinds ? modules_add_defaults(modules_src, names, (o->formats & esp) != 0,
					      erofs_layout(cfg->root), kinds)
		       : -1;
	json_decref(kinds);
	return rc;
}

/* kernel.path (or LinuxKit's kernel.image) and kernel.modules_dir, with
 * the defaults from the kernel dir. */
static int find_kernel(const struct build_opts *o, const struct config *cfg, const char *yml_dir,
		       struct outputs *out)
{
	json_t *k = json_object_get(cfg->root, "kernel");
	const char *path = json_string_value(json_object_get(k, "path"));
	if (!path)
		path = json_string_value(json_object_get(k, "image"));
	if (path && path[0] != '/')
		snprintf(out->kernel_src, sizeof out->kernel_src, "%s/%s", yml_dir, path);
	else if (path)
		snprintf(out->kernel_src, sizeof out->kernel_src, "%s", path);
	else
		snprintf(out->kernel_src, sizeof out->kernel_src, "%s/vmlinuz", o->kernel_dir);
	bool image = !json_object_get(k, "path") && path;
	if (image && !path_exists(out->kernel_src)) {
		schema_error(cfg, cfg->root, "kernel",
			     "image: \"%s\" is not a file here (stele pulls no LinuxKit kernel "
			     "image); set kernel.path: FILE, or drop kernel.image for the shipped "
			     "kernel",
			     path);
		return -1;
	}
	if (!path_exists(out->kernel_src)) {
		schema_error(cfg, cfg->root, "kernel",
			     "%s does not exist; set kernel.path or run make kernel",
			     out->kernel_src);
		return -1;
	}
	const char *ucode = json_string_value(json_object_get(k, "ucode"));
	/* LinuxKit's: an empty ucode is none (platform-equinixmetal.arm64). */
	if (ucode && *ucode) {
		snprintf(out->ucode_src, sizeof out->ucode_src, "%s%s%s",
			 ucode[0] == '/' ? "" : yml_dir, ucode[0] == '/' ? "" : "/", ucode);
		if (!path_exists(out->ucode_src)) {
			schema_error(cfg, k, "ucode",
				     "%s does not exist; expected an uncompressed early microcode "
				     "cpio (kernel/x86/microcode/*.bin inside)",
				     out->ucode_src);
			return -1;
		}
	}
	const char *mods = json_string_value(json_object_get(k, "modules_dir"));
	char root[PATH_MAX];
	snprintf(root, sizeof root, "%s/root/lib/modules", o->kernel_dir);
	if (mods) {
		snprintf(out->modules_src, sizeof out->modules_src, "%s%s%s",
			 mods[0] == '/' ? "" : yml_dir, mods[0] == '/' ? "" : "/", mods);
		char *copy = strdup(out->modules_src);
		snprintf(out->version, sizeof out->version, "%s", copy ? basename(copy) : "");
		free(copy);
		return add_default_modules(o, cfg, out->modules_src);
	}
	/* Only the default kernel's modules are looked up unasked. */
	bool asked = json_array_size(json_object_get(k, "modules")) > 0;
	if (!asked && path)
		return 0;
	if (read_version(o->kernel_dir, root, out->version, sizeof out->version) < 0) {
		if (!asked)
			return 0;
		schema_error(cfg, cfg->root, "kernel",
			     "cannot tell the kernel version in %s; set kernel.modules_dir",
			     o->kernel_dir);
		return -1;
	}
	snprintf(out->modules_src, sizeof out->modules_src, "%s/%s", root, out->version);
	return add_default_modules(o, cfg, out->modules_src);
}

/* A signed image checks its updates against its own certificate, with
 * sbverify (update/README.md). */
static int stage_update_key(struct stage *st, const char *cert)
{
	char dest[PATH_MAX];
	if (!cert)
		return 0;
	if (path_join(dest, sizeof dest, st->tree, "etc/stele/update.crt") < 0 ||
	    mkdir_parents(dest) < 0 || copy_file(cert, dest, 0644) < 0)
		return -1;
	return stage_host_binary(st, "/usr/bin/sbverify", "/usr/bin/sbverify");
}

static int stage_tree(const struct build_opts *o, const struct config *cfg, const char *yml_dir,
		      struct outputs *out, struct meta *meta)
{
	struct stage st = {
	    .tree = out->tree, .meta = meta, .bin_dir = o->bin_dir, .yml_dir = yml_dir, .cfg = cfg};
	json_t *modules = json_object_get(json_object_get(cfg->root, "kernel"), "modules");
	if (stage_base(&st) < 0 || stage_components(&st) < 0 || stage_etc(&st) < 0)
		return -1;
	if (json_array_size(modules) &&
	    modules_stage(out->modules_src, out->version, modules, out->tree) < 0)
		return -1;
	if (stage_update_key(&st, o->sign_cert) < 0)
		return -1;
	/* files: before the bundles, so that a bind of one gets a file as its
	 * mount point (bundle.c looks the source up in the tree), and after
	 * the rest, so that they can replace it. */
	if (stage_files(&st) < 0)
		return -1;
	return bundles_stage(&st, o->pkg_dir);
}

static const char *cmdline_of(const struct config *cfg)
{
	const char *c =
	    json_string_value(json_object_get(json_object_get(cfg->root, "kernel"), "cmdline"));
	return c ? c : "console=ttyS0";
}

/* Rename WORK/NAME-SUFFIX to DIR/NAME-SUFFIX for each output. */
static int publish(const struct build_opts *o, const struct config *cfg, const struct outputs *out,
		   const char *const *suffixes)
{
	for (const char *const *s = suffixes; *s; s++) {
		char from[PATH_MAX * 2], to[PATH_MAX * 2];
		snprintf(from, sizeof from, "%s/%s%s", out->work, cfg->name, *s);
		snprintf(to, sizeof to, "%s/%s%s", o->out_dir, cfg->name, *s);
		if (rename(from, to) < 0) {
			log_err("%s: %s", to, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static struct format_job job_of(const struct build_opts *o, const struct config *cfg,
				const struct outputs *out, struct signer *signer)
{
	*signer = (struct signer){.key = o->sign_key, .cert = o->sign_cert};
	return (struct format_job){.formats = o->formats,
				   .name = cfg->name,
				   .work = out->work,
				   .cmdline = cmdline_of(cfg),
				   .epoch = o->epoch,
				   .size = o->size,
				   .size_text = o->size_text,
				   .signer = o->sign_key ? signer : NULL};
}

static int append_to(FILE *out, const char *path)
{
	FILE *in = fopen(path, "rbe");
	if (!in) {
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	char buf[65536];
	size_t n;
	int rc = 0;
	while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	if (ferror(in))
		rc = -1;
	fclose(in);
	return rc;
}

/* The initrd: kernel.ucode (LinuxKit's: the early microcode cpio goes
 * first, and uncompressed, where the kernel looks for it), then the
 * uncompressed erofs segment (erofs.h), then the initramfs. Empty names
 * are left out; the parts are removed. */
static int concat_initrd(const char *const parts[3], const char *initrd)
{
	FILE *out = fopen(initrd, "wbe");
	if (!out) {
		log_err("%s: %s", initrd, strerror(errno));
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < 3; i++)
		if (parts[i][0] && append_to(out, parts[i]) < 0)
			rc = -1;
	if (fclose(out) != 0 || rc < 0) {
		log_err("%s: cannot write", initrd);
		rc = -1;
	}
	unlink(parts[1]);
	unlink(parts[2]);
	return rc;
}

/* The initramfs, with /containers as an erofs segment when the YAML's
 * containers.layout asks for it. */
static int write_initrd(const struct build_opts *o, const struct config *cfg,
			const struct outputs *out, const char *overrides, const char *initrd)
{
	static const char *const names[] = {"none", "gzip", "zstd", "lz4"};
	bool erofs = erofs_layout(cfg->root);
	char main_cpio[PATH_MAX * 2 + 8], segment[PATH_MAX + 16], cpio_overrides[PATH_MAX + 16];
	snprintf(main_cpio, sizeof main_cpio, "%s.main", initrd);
	snprintf(segment, sizeof segment, "%s/erofs.cpio", out->work);
	snprintf(cpio_overrides, sizeof cpio_overrides, "%s/overrides.cpio", out->work);
	struct erofs_job job = {.tree = out->tree,
				.work = out->work,
				.name = cfg->name,
				.overrides = overrides,
				.cpio_overrides = cpio_overrides,
				.segment = segment,
				.epoch = o->epoch};
	if (erofs && erofs_split(&job) < 0)
		return -1;
	log_info("writing the initramfs (cpio, %s)", names[o->compression]);
	struct initramfs_opts cpio = {.compression = o->compression,
				      .epoch = o->epoch,
				      .dedup = !o->no_dedup,
				      .progress = true};
	bool alone = !out->ucode_src[0] && !erofs;
	if (initramfs_write(out->tree, erofs ? cpio_overrides : overrides,
			    alone ? initrd : main_cpio, &cpio) < 0)
		return -1;
	if (erofs && erofs_join(&job) < 0)
		return -1;
	const char *const parts[3] = {out->ucode_src, erofs ? segment : "", main_cpio};
	return alone ? 0 : concat_initrd(parts, initrd);
}

static int write_outputs(const struct build_opts *o, const struct config *cfg, struct outputs *out,
			 struct meta *meta)
{
	char overrides[PATH_MAX + 16], initrd[PATH_MAX * 2], kernel[PATH_MAX * 2],
	    cmdline[PATH_MAX * 2];
	snprintf(overrides, sizeof overrides, "%s/overrides", out->work);
	snprintf(initrd, sizeof initrd, "%s/%s-initrd.img", out->work, cfg->name);
	snprintf(kernel, sizeof kernel, "%s/%s-kernel", out->work, cfg->name);
	snprintf(cmdline, sizeof cmdline, "%s/%s-cmdline", out->work, cfg->name);
	if (meta_write(meta, overrides) < 0 || write_initrd(o, cfg, out, overrides, initrd) < 0)
		return -1;
	if (copy_file(out->kernel_src, kernel, 0644) < 0)
		return -1;
	char line[4096];
	snprintf(line, sizeof line, "%s\n", cmdline_of(cfg));
	if (write_file(cmdline, line, strlen(line), 0644) < 0)
		return -1;
	struct signer signer;
	struct format_job job = job_of(o, cfg, out, &signer);
	if (formats_write(&job) < 0)
		return -1;
	for (int f = 0; f < FORMAT_COUNT; f++)
		if ((o->formats & FORMAT_BIT(f)) && publish(o, cfg, out, format_outputs(f)) < 0)
			return -1;
	return 0;
}

/* Before any work: the formats' tools, the signing key, the kernel. */
static int check_formats(const struct build_opts *o, const struct config *cfg,
			 const struct outputs *out)
{
	struct signer signer;
	struct format_job job = job_of(o, cfg, out, &signer);
	return formats_check(&job, out->kernel_src);
}

static void say_built(const struct build_opts *o, const struct config *cfg)
{
	char line[2048] = "built";
	size_t len = strlen(line);
	for (int f = 0; f < FORMAT_COUNT; f++)
		for (const char *const *s = format_outputs(f);
		     (o->formats & FORMAT_BIT(f)) && *s && len < sizeof line; s++)
			len += (size_t)snprintf(line + len, sizeof line - len, " %s/%s%s",
						o->out_dir, cfg->name, *s);
	log_info("%s", line);
}

int build_image(const struct build_opts *o)
{
	struct config cfg;
	const char *one[1] = {o->yml};
	if (schema_load_files(o->ymls ? o->ymls : one, o->ymls ? o->n_yml : 1, &cfg) < 0)
		return 1;
	char yml_dir[PATH_MAX];
	char *copy = strdup(cfg.file);
	if (!copy || !realpath(dirname(copy), yml_dir)) {
		log_err("%s: %s", cfg.file, strerror(errno));
		free(copy);
		schema_free(&cfg);
		return 1;
	}
	free(copy);
	struct outputs out = {0};
	struct meta meta = {0};
	int rc = 1;
	/* One round: the schema's, init's, the images', the files' and the
	 * kernel's mistakes all reported before stopping. */
	int errors = cfg.errors + stage_check_init(&cfg) + bundles_check_images(&cfg, o->pkg_dir) +
		     stage_check_files(&cfg, yml_dir);
	if (find_kernel(o, &cfg, yml_dir, &out) < 0)
		errors++;
	if (errors || check_formats(o, &cfg, &out) < 0 || mkdir_p(o->out_dir, 0755) < 0)
		goto out;
	/* Absolute: the tools that write the formats run in "/". */
	char out_dir[PATH_MAX];
	if (!realpath(o->out_dir, out_dir)) {
		log_err("%s: %s", o->out_dir, strerror(errno));
		goto out;
	}
	int n = snprintf(out.work, sizeof out.work, "%s/.%s.XXXXXX", out_dir, cfg.name);
	if (n < 0 || (size_t)n >= sizeof out.work || !mkdtemp(out.work)) {
		log_err("%s: %s", out.work, strerror(errno));
		out.work[0] = '\0';
		goto out;
	}
	snprintf(out.tree, sizeof out.tree, "%s/tree", out.work);
	if (mkdir_p(out.tree, 0755) < 0 || stage_tree(o, &cfg, yml_dir, &out, &meta) < 0 ||
	    write_outputs(o, &cfg, &out, &meta) < 0)
		goto out;
	if (o->keep_tree) {
		char keep[PATH_MAX * 2];
		snprintf(keep, sizeof keep, "%s/%s-tree", o->out_dir, cfg.name);
		remove_tree(keep);
		char overrides[PATH_MAX + 16], kept[PATH_MAX * 2 + 16];
		snprintf(overrides, sizeof overrides, "%s/overrides", out.work);
		snprintf(kept, sizeof kept, "%s.overrides", keep);
		if (rename(out.tree, keep) < 0 || rename(overrides, kept) < 0)
			log_warn("cannot keep the tree at %s: %s", keep, strerror(errno));
	}
	say_built(o, &cfg);
	rc = 0;
out:
	if (out.work[0])
		remove_tree(out.work);
	meta_free(&meta);
	schema_free(&cfg);
	return rc;
}
