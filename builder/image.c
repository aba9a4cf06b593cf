#include "builder/image.h"

#include "builder/digest.h"
#include "builder/fsutil.h"
#include "lib/log.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct source {
	bool is_dir;
	char path[PATH_MAX];
	char tag[256];
};

/* Where an unpack writes: the rootfs, and its path relative to the tree
 * for the metadata records. */
struct target {
	const char *ref;
	char rootfs[PATH_MAX];
	const char *rel;
	struct meta *meta;
	bool map_owner; /* dir: files of the builder's user become root's */
};

static int parse_ref(const char *ref, const char *pkg_dir, struct source *s)
{
	*s = (struct source){0};
	const char *rest = ref;
	bool oci = false;
	if (strncmp(ref, "dir:", 4) == 0) {
		s->is_dir = true;
		snprintf(s->path, sizeof s->path, "%s", ref + 4);
		return 0;
	}
	if (strncmp(ref, "oci:", 4) == 0) {
		oci = true;
		rest = ref + 4;
	} else if (strchr(ref, '/')) {
		return -1; /* a registry reference: stele pulls nothing */
	}
	snprintf(s->path, sizeof s->path, "%s%s%s", oci ? "" : pkg_dir, oci ? "" : "/", rest);
	/* PATH:TAG, where the tag is after the last ':' that follows the last '/'. */
	char *slash = strrchr(s->path, '/');
	char *colon = strrchr(slash ? slash : s->path, ':');
	if (colon) {
		snprintf(s->tag, sizeof s->tag, "%s", colon + 1);
		*colon = '\0';
	}
	return 0;
}

static json_t *pick_tagged(const json_t *index, const struct source *s);

int image_check(const char *ref, const char *pkg_dir, char *why, size_t len)
{
	struct source s;
	if (parse_ref(ref, pkg_dir, &s) < 0) {
		/* linuxkit/getty:TAG and the like: the shipped package of the name. */
		char base[128], index[PATH_MAX];
		snprintf(base, sizeof base, "%s", strrchr(ref, '/') + 1);
		base[strcspn(base, ":@")] = '\0';
		snprintf(index, sizeof index, "%s/%s/index.json", pkg_dir, base);
		if (base[0] && path_exists(index))
			snprintf(
			    why, len,
			    "\"%s\" is a registry reference; use the shipped package: image: %s",
			    ref, base);
		else
			snprintf(why, len,
				 "\"%s\" is a registry reference; expected oci:PATH, dir:PATH or a "
				 "package name (skopeo copy docker://IMAGE oci:DIR:TAG)",
				 ref);
		return -1;
	}
	char index[PATH_MAX + 16];
	snprintf(index, sizeof index, "%s/index.json", s.path);
	if (s.is_dir ? !is_dir(s.path) : !path_exists(index)) {
		snprintf(why, len, "image \"%s\" not found: %s is not %s", ref, s.path,
			 s.is_dir ? "a directory" : "an OCI image layout (no index.json)");
		return -1;
	}
	if (s.is_dir)
		return 0;
	/* The tag too, before anything is unpacked. */
	json_t *idx = json_load_file(index, 0, NULL);
	int rc = 0;
	if (!idx || !pick_tagged(idx, &s)) {
		snprintf(why, len, "image \"%s\": %s", ref,
			 idx ? "no manifest with that tag in its index.json (the tag is its "
			       "org.opencontainers.image.ref.name annotation)"
			     : "its index.json is not JSON");
		rc = -1;
	}
	json_decref(idx);
	return rc;
}

static json_t *load_json(const char *path, const char *ref)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);
	if (!j && e.line > 0)
		log_err("image %s: %s:%d: %s", ref, path, e.line, e.text);
	else if (!j)
		log_err("image %s: %s", ref, e.text);
	return j;
}

static int blob_path(const char *layout, const char *digest, char *out, size_t len, const char *ref)
{
	const char *colon = digest ? strchr(digest, ':') : NULL;
	if (!colon || strchr(colon, '/') || strstr(digest, "..")) {
		log_err("image %s: bad digest \"%s\"", ref, digest ? digest : "");
		return -1;
	}
	snprintf(out, len, "%s/blobs/%.*s/%s", layout, (int)(colon - digest), digest, colon + 1);
	return 0;
}

/* A blob must hash to its name: a corrupt or swapped blob is refused. */
static int verify_blob(const char *path, const char *digest, const char *ref)
{
	if (strncmp(digest, "sha256:", 7) != 0) {
		log_err("image %s: digest %s: only sha256 is supported", ref, digest);
		return -1;
	}
	char hex[DIGEST_HEX_LEN];
	if (file_sha256(path, hex) < 0) {
		log_err("image %s: blob %s: %s", ref, path, strerror(errno));
		return -1;
	}
	if (strcmp(hex, digest + 7) != 0) {
		log_err("image %s: blob %s does not match its digest; rebuild or re-copy "
			"the image",
			ref, path);
		return -1;
	}
	return 0;
}

static json_t *load_blob(const char *layout, const json_t *descriptor, const char *ref)
{
	char path[PATH_MAX];
	const char *digest = json_string_value(json_object_get(descriptor, "digest"));
	if (blob_path(layout, digest, path, sizeof path, ref) < 0 ||
	    verify_blob(path, digest, ref) < 0)
		return NULL;
	return load_json(path, ref);
}

static bool is_index(const json_t *descriptor)
{
	const char *mt = json_string_value(json_object_get(descriptor, "mediaType"));
	return mt && (strstr(mt, "image.index") || strstr(mt, "manifest.list"));
}

/* index.json's descriptor for the tag: by ref.name annotation (default
 * "latest"), else the only one when no tag was asked for; or NULL. */
static json_t *pick_tagged(const json_t *index, const struct source *s)
{
	json_t *list = json_object_get(index, "manifests"), *pick = NULL, *d;
	const char *tag = s->tag[0] ? s->tag : "latest";
	size_t i;
	json_array_foreach(list, i, d)
	{
		const char *name = json_string_value(json_object_get(
		    json_object_get(d, "annotations"), "org.opencontainers.image.ref.name"));
		if (name && strcmp(name, tag) == 0)
			pick = d;
	}
	if (!pick && !s->tag[0] && json_array_size(list) == 1)
		pick = json_array_get(list, 0);
	return pick;
}

/* The manifest for the tag: by ref.name annotation, else the only one. */
static json_t *find_manifest(const struct source *s, const char *ref)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/index.json", s->path);
	json_t *index = load_json(path, ref);
	if (!index)
		return NULL;
	const char *tag = s->tag[0] ? s->tag : "latest";
	json_t *pick = pick_tagged(index, s), *d;
	size_t i;
	if (!pick) {
		log_err("image %s: no manifest tagged \"%s\" in %s", ref, tag, path);
		json_decref(index);
		return NULL;
	}
	json_t *m = NULL;
	for (int depth = 0; depth < 4 && pick; depth++) {
		json_t *blob = load_blob(s->path, pick, ref);
		if (!blob || !is_index(pick)) {
			m = blob;
			break;
		}
		/* An index of platforms: linux/amd64. */
		json_t *next = NULL;
		json_array_foreach(json_object_get(blob, "manifests"), i, d)
		{
			json_t *p = json_object_get(d, "platform");
			const char *arch = json_string_value(json_object_get(p, "architecture"));
			if (!p || (arch && strcmp(arch, "amd64") == 0)) {
				next = json_incref(d);
				break;
			}
		}
		json_decref(blob);
		if (depth)
			json_decref(pick);
		pick = next;
		if (!pick)
			log_err("image %s: no linux/amd64 manifest", ref);
	}
	json_decref(index);
	return m;
}

static const char *relative(const char *name)
{
	while (name[0] == '/' || (name[0] == '.' && name[1] == '/'))
		name += name[0] == '/' ? 1 : 2;
	return name;
}

static bool safe_name(const char *name)
{
	for (const char *p = name; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return false;
		p += n;
		p += strspn(p, "/");
	}
	return true;
}

static void meta_path(const struct target *t, const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", t->rel, name);
	size_t n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
}

/* Empty directory DIR (relative to the rootfs) of what lower layers put there. */
static int make_opaque(const struct target *t, const char *dir)
{
	char path[PATH_MAX * 2], mp[PATH_MAX * 2];
	snprintf(path, sizeof path, "%s/%s", t->rootfs, dir);
	DIR *d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char child[PATH_MAX * 3];
		snprintf(child, sizeof child, "%s/%s", path, e->d_name);
		rc |= remove_tree(child);
		snprintf(mp, sizeof mp, "%s/%s", dir, e->d_name);
		char rel[PATH_MAX * 3];
		meta_path(t, mp, rel, sizeof rel);
		meta_forget(t->meta, rel);
	}
	closedir(d);
	return rc;
}

/* Pass 1 of a layer: apply its whiteouts to the layers below. */
static int apply_whiteout(const struct target *t, const char *name)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%.*s", (int)(base - name), name);
	if (strcmp(base, ".wh..wh..opq") == 0)
		return make_opaque(t, dir);
	char victim[PATH_MAX * 2], rel[PATH_MAX * 3];
	snprintf(victim, sizeof victim, "%s%s", dir, base + 4);
	meta_path(t, victim, rel, sizeof rel);
	meta_forget(t->meta, rel);
	char path[PATH_MAX * 3];
	snprintf(path, sizeof path, "%s/%s", t->rootfs, victim);
	return remove_tree(path);
}

static bool is_whiteout(const char *name)
{
	const char *base = strrchr(name, '/');
	return strncmp(base ? base + 1 : name, ".wh.", 4) == 0;
}

static int copy_data(struct archive *in, struct archive *out)
{
	const void *buf;
	size_t size;
	la_int64_t offset;
	int r;
	while ((r = archive_read_data_block(in, &buf, &size, &offset)) == ARCHIVE_OK)
		if (archive_write_data_block(out, buf, size, offset) != ARCHIVE_OK)
			return -1;
	return r == ARCHIVE_EOF ? 0 : -1;
}

/* Write one entry under the rootfs (cwd), recording what the disk cannot
 * keep for an unprivileged builder. */
static int write_entry(const struct target *t, struct archive *in, struct archive *out,
		       struct archive_entry *e, const char *name)
{
	char rel[PATH_MAX * 2];
	meta_path(t, name, rel, sizeof rel);
	unsigned uid = (unsigned)archive_entry_uid(e), gid = (unsigned)archive_entry_gid(e);
	if (t->map_owner) {
		uid = uid == getuid() ? 0 : uid;
		gid = gid == getgid() ? 0 : gid;
	}
	mode_t type = archive_entry_filetype(e);
	unsigned perm = archive_entry_perm(e);
	archive_entry_set_pathname(e, name);
	const char *link = archive_entry_hardlink(e);
	if (link) {
		if (!safe_name(link))
			return -1;
		archive_entry_set_hardlink(e, relative(link));
	}
	meta_forget_one(t->meta, rel);
	if (type == AE_IFCHR || type == AE_IFBLK) {
		if (remove_tree(name) < 0)
			return -1;
		return meta_node(t->meta, rel, perm, uid, gid, type == AE_IFCHR ? 'c' : 'b',
				 major(archive_entry_rdev(e)), minor(archive_entry_rdev(e)));
	}
	/* Directories stay writable and files readable for the builder. */
	unsigned need = type == AE_IFDIR ? 0700 : type == AE_IFREG ? 0600 : 0;
	if (!link && (perm & need) != need)
		archive_entry_set_perm(e, perm | need);
	if (archive_write_header(out, e) != ARCHIVE_OK ||
	    (archive_entry_size(e) > 0 && copy_data(in, out) < 0) ||
	    archive_write_finish_entry(out) != ARCHIVE_OK) {
		log_err("image %s: %s: %s", t->ref, name, archive_error_string(out));
		return -1;
	}
	if (link) {
		/* Every name of a hard link gets the record of the first. */
		char target[PATH_MAX * 2];
		meta_path(t, relative(link), target, sizeof target);
		const struct meta_entry *m = meta_find(t->meta, target);
		return m && m->kind == 'o' ? meta_own(t->meta, rel, m->uid, m->gid, (int)m->mode)
					   : 0;
	}
	/* An unprivileged extraction also drops setuid/setgid bits. */
	bool exact_mode = (perm & need) != need || (perm & 07000);
	if (uid || gid || exact_mode)
		return meta_own(t->meta, rel, uid, gid, exact_mode ? (int)perm : -1);
	return 0;
}

static struct archive *disk_writer(void)
{
	struct archive *out = archive_write_disk_new();
	archive_write_disk_set_options(
	    out, ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_UNLINK | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
		     ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	return out;
}

static struct archive *layer_reader(const char *path)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		log_err("layer %s: %s", path, archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* Run with the rootfs as cwd: libarchive's secure-path checks then cover
 * only what the layer names. */
static int unpack_layer(const struct target *t, const char *path)
{
	for (int pass = 1; pass <= 2; pass++) {
		struct archive *in = layer_reader(path);
		if (!in)
			return -1;
		struct archive *out = pass == 2 ? disk_writer() : NULL;
		struct archive_entry *e;
		int r, rc = 0;
		while (rc == 0 && (r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
			char name[PATH_MAX];
			snprintf(name, sizeof name, "%s", relative(archive_entry_pathname(e)));
			if (!*name || strcmp(name, ".") == 0)
				continue;
			if (!safe_name(name)) {
				log_err("image %s: layer entry \"%s\" leaves the rootfs; "
					"rebuild the image",
					t->ref, name);
				rc = -1;
			} else if (is_whiteout(name)) {
				rc = pass == 1 ? apply_whiteout(t, name) : 0;
			} else if (pass == 2) {
				rc = write_entry(t, in, out, e, name);
			}
		}
		if (rc == 0 && r != ARCHIVE_EOF) {
			log_err("image %s: layer %s: %s", t->ref, path, archive_error_string(in));
			rc = -1;
		}
		if (out && archive_write_close(out) != ARCHIVE_OK && rc == 0) {
			log_err("image %s: %s", t->ref, archive_error_string(out));
			rc = -1;
		}
		archive_write_free(out);
		archive_read_free(in);
		if (rc)
			return -1;
	}
	return 0;
}

static int in_rootfs(const struct target *t, int (*fn)(const struct target *, const void *),
		     const void *arg)
{
	int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0 || chdir(t->rootfs) < 0) {
		log_err("%s: %s", t->rootfs, strerror(errno));
		if (cwd >= 0)
			close(cwd);
		return -1;
	}
	int rc = fn(t, arg);
	if (fchdir(cwd) < 0) {
		log_err("cannot return to the working directory: %s", strerror(errno));
		rc = -1;
	}
	close(cwd);
	return rc;
}

static int unpack_layer_cb(const struct target *t, const void *path)
{
	return unpack_layer(t, path);
}

static int unpack_oci(const struct target *t, const struct source *s, json_t **config)
{
	json_t *manifest = find_manifest(s, t->ref);
	if (!manifest)
		return -1;
	int rc = -1;
	json_t *cfg = load_blob(s->path, json_object_get(manifest, "config"), t->ref);
	if (!cfg)
		goto out;
	json_t *layers = json_object_get(manifest, "layers"), *l;
	size_t i, n = json_array_size(layers);
	json_array_foreach(layers, i, l)
	{
		char path[PATH_MAX];
		const char *digest = json_string_value(json_object_get(l, "digest"));
		if (blob_path(s->path, digest, path, sizeof path, t->ref) < 0 ||
		    verify_blob(path, digest, t->ref) < 0)
			goto out;
		log_info("unpacking %s: layer %zu/%zu (%lld kB)", t->ref, i + 1, n,
			 (long long)json_integer_value(json_object_get(l, "size")) / 1024);
		if (in_rootfs(t, unpack_layer_cb, path) < 0)
			goto out;
	}
	json_t *c = json_object_get(cfg, "config");
	*config = c ? json_incref(c) : json_object();
	rc = 0;
out:
	json_decref(cfg);
	json_decref(manifest);
	return rc;
}

static int copy_dir_cb(const struct target *t, const void *arg)
{
	const char *src = arg;
	struct archive *in = archive_read_disk_new();
	archive_read_disk_set_symlink_physical(in);
	archive_read_disk_set_behavior(in, ARCHIVE_READDISK_NO_XATTR | ARCHIVE_READDISK_NO_ACL |
					       ARCHIVE_READDISK_NO_FFLAGS);
	struct archive *out = disk_writer();
	int rc = 0, r;
	if (archive_read_disk_open(in, src) != ARCHIVE_OK) {
		log_err("image %s: %s", t->ref, archive_error_string(in));
		rc = -1;
	}
	size_t skip = strlen(src);
	struct archive_entry *e = archive_entry_new();
	while (rc == 0 && (r = archive_read_next_header2(in, e)) == ARCHIVE_OK) {
		archive_read_disk_descend(in);
		const char *full = archive_entry_pathname(e);
		char name[PATH_MAX];
		snprintf(name, sizeof name, "%s", relative(full + skip));
		if (!*name)
			continue;
		const char *link = archive_entry_hardlink(e);
		if (link)
			archive_entry_set_hardlink(e, relative(link + skip));
		rc = write_entry(t, in, out, e, name);
	}
	if (rc == 0 && r != ARCHIVE_EOF) {
		log_err("image %s: %s", t->ref, archive_error_string(in));
		rc = -1;
	}
	archive_entry_free(e);
	if (archive_write_close(out) != ARCHIVE_OK && rc == 0)
		rc = -1;
	archive_write_free(out);
	archive_read_free(in);
	return rc;
}

int image_unpack(const char *ref, const char *pkg_dir, const char *tree, const char *rootfs_rel,
		 struct meta *meta, json_t **config)
{
	char why[PATH_MAX + 256];
	if (image_check(ref, pkg_dir, why, sizeof why) < 0) {
		log_err("%s", why);
		return -1;
	}
	struct source s;
	parse_ref(ref, pkg_dir, &s);
	struct target t = {.ref = ref, .rel = rootfs_rel, .meta = meta, .map_owner = s.is_dir};
	if (path_join(t.rootfs, sizeof t.rootfs, tree, rootfs_rel) < 0 ||
	    mkdir_p(t.rootfs, 0755) < 0)
		return -1;
	/* Absolute: layers are unpacked from inside the rootfs (in_rootfs), so a
	 * path relative to the working directory would no longer resolve. */
	char src[PATH_MAX];
	if (!realpath(s.path, src)) {
		log_err("image %s: %s: %s", ref, s.path, strerror(errno));
		return -1;
	}
	snprintf(s.path, sizeof s.path, "%s", src);
	if (!s.is_dir)
		return unpack_oci(&t, &s, config);
	*config = json_object();
	return in_rootfs(&t, copy_dir_cb, src);
}
