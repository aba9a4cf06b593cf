#include "builder/bundle.h"

#include "builder/fsutil.h"
#include "builder/image.h"
#include "builder/spec.h"
#include "builder/yamlconv.h"
#include "hostlib/settings.h"
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int write_json(const char *path, const json_t *j)
{
	char *text = json_dumps(j, JSON_INDENT(2));
	if (!text) {
		log_err("%s: cannot encode JSON", path);
		return -1;
	}
	size_t len = strlen(text);
	text[len] = '\n'; /* json_dumps leaves room: replace the NUL, write len+1 */
	int rc = write_file(path, text, len + 1, 0644);
	free(text);
	return rc;
}

/* Create DEST (a mount's destination) inside ROOTFS, without following
 * symlinks out of it: the image's root is read-only at run time, so runc
 * cannot create mount points then. A symlink on the way is left to runc,
 * which resolves it inside the rootfs. The last component is a file when
 * the mount's source is a file in the image tree, else a directory. */
static int make_mount_point(const char *rootfs, const char *dest, bool file)
{
	char path[PATH_MAX * 2];
	size_t len = (size_t)snprintf(path, sizeof path, "%s", rootfs);
	for (const char *p = dest; *p && len < sizeof path - 1;) {
		p += strspn(p, "/");
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (len + 1 + n >= sizeof path)
			return -1;
		path[len++] = '/';
		memcpy(path + len, p, n);
		len += n;
		path[len] = '\0';
		p += n;
		bool last = *p == '\0' || p[strspn(p, "/")] == '\0';
		struct stat st;
		if (lstat(path, &st) == 0) {
			if (!S_ISDIR(st.st_mode))
				return 0;
			continue;
		}
		int rc = last && file ? write_file(path, "", 0, 0644) : mkdir(path, 0755);
		if (rc < 0) {
			log_err("mount point %s: %s", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* PATH looked up in the image tree as the running host will: every
 * symlink resolved inside the tree, never on the build host. */
static int open_in_tree(int treefd, const char *path, int flags)
{
	struct open_how how = {.flags = (uint64_t)(flags | O_PATH | O_CLOEXEC),
			       .resolve = RESOLVE_IN_ROOT};
	return (int)syscall(SYS_openat2, treefd, path, &how, sizeof how);
}

/* Whether a bind's host source is a file on the running host. A symlink
 * to what the tree lacks points at something made at boot, under /run:
 * /etc/resolv.conf, whose target init creates (lib/resolver.h), is the
 * case that matters, and it is a file. */
static bool bind_source_is_file(const char *tree, const char *src)
{
	int treefd = open(tree, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (treefd < 0)
		return false;
	struct stat sst;
	bool file = false;
	int fd = open_in_tree(treefd, src, 0);
	if (fd >= 0) {
		file = fstat(fd, &sst) == 0 && !S_ISDIR(sst.st_mode);
		close(fd);
	} else if (errno == ENOENT && (fd = open_in_tree(treefd, src, O_NOFOLLOW)) >= 0) {
		file = fstat(fd, &sst) == 0 && S_ISLNK(sst.st_mode);
		close(fd);
	}
	close(treefd);
	return file;
}

static int make_mount_points(const struct stage *st, const json_t *config, const char *rootfs)
{
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(config, "mounts"), i, m)
	{
		const char *dest = json_string_value(json_object_get(m, "destination"));
		const char *type = json_string_value(json_object_get(m, "type"));
		const char *src = json_string_value(json_object_get(m, "source"));
		bool file =
		    type && strcmp(type, "bind") == 0 && src && bind_source_is_file(st->tree, src);
		if (dest && make_mount_point(rootfs, dest, file) < 0)
			return -1;
	}
	return 0;
}

/* stele.json as stele-onboot or the supervisor will parse it, with their
 * parser. The YAML was checked with it already; what can still fail here
 * came from the image's org.mobyproject.config label. */
static int settings_as_booted(const json_t *stele, const char *section, const char *where)
{
	char *text = json_dumps(stele, 0);
	if (!text)
		return -1;
	unsigned kind = strcmp(section, "services") == 0 ? SCHEMA_SERVICE : SCHEMA_ONBOOT;
	struct bundle_settings s;
	char err[600];
	int rc = bundle_settings_parse(text, strlen(text), kind, &s, err, sizeof err);
	free(text);
	if (rc < 0) {
		log_msg_as(LOG_ERR, NULL,
			   "%s: stele.json would be refused at boot: %s; the image's "
			   "org.mobyproject.config label gives it: set the key in the YAML",
			   where, err);
		return -1;
	}
	bundle_settings_free(&s);
	return 0;
}

/* The YAML's binds were checked with the schema; the label's are known
 * only now. */
static bool volume_binds_ok(const struct config *cfg, const json_t *merged, const char *where)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(merged, "binds"), i, v)
	{
		char why[512];
		const char *bind = json_string_value(v);
		if (bind && schema_bind_volume_problem(cfg, bind, why, sizeof why)) {
			log_msg_as(LOG_ERR, NULL, "%s: the image's label: %s", where, why);
			return false;
		}
	}
	return true;
}

static int stage_bundle(struct stage *st, const char *pkg_dir, const char *section, size_t index,
			const json_t *entry)
{
	const char *name = json_string_value(json_object_get(entry, "name"));
	const char *ref = json_string_value(json_object_get(entry, "image"));
	char rel[PATH_MAX], rootfs_rel[PATH_MAX + 8], dir[PATH_MAX * 2], rootfs[PATH_MAX * 2];
	if (strcmp(section, "services") == 0)
		snprintf(rel, sizeof rel, "containers/services/%s", name);
	else
		snprintf(rel, sizeof rel, "containers/%s/%03zu-%s", section, index, name);
	snprintf(rootfs_rel, sizeof rootfs_rel, "%s/rootfs", rel);
	snprintf(dir, sizeof dir, "%s/%s", st->tree, rel);
	snprintf(rootfs, sizeof rootfs, "%s/%s", st->tree, rootfs_rel);

	char where[PATH_MAX + 64];
	snprintf(where, sizeof where, "%s:%d: %s[%zu]", schema_file_of(st->cfg, entry),
		 yconv_line(entry, "image"), section, index);
	json_t *image_config = NULL;
	if (image_unpack(ref, pkg_dir, st->tree, rootfs_rel, st->meta, &image_config) < 0) {
		log_msg_as(LOG_ERR, NULL, "%s: image: cannot unpack %s (above)", where, ref);
		return -1;
	}
	json_t *yaml = json_copy((json_t *)entry);
	json_object_del(yaml, "//lines");
	json_object_del(yaml, "//file");
	json_t *merged = spec_merge(yaml, image_config);
	json_t *config = volume_binds_ok(st->cfg, merged, where)
			     ? spec_config(merged, image_config, rootfs, where)
			     : NULL;
	if (config && json_is_true(json_object_get(merged, "insecure")))
		log_msg_as(LOG_WARN, where,
			   "insecure: true gives a passwordless root console; use it for "
			   "development images only");
	const char *state_mp = json_string_value(
	    json_object_get(json_object_get(st->cfg->root, "state"), "mountpoint"));
	json_t *stele = spec_stele(merged, state_mp ? state_mp : "/var/lib");
	char path[PATH_MAX * 2 + 16];
	int rc = -1;
	if (config && settings_as_booted(stele, section, where) == 0 &&
	    make_mount_points(st, config, rootfs) == 0) {
		snprintf(path, sizeof path, "%s/config.json", dir);
		rc = write_json(path, config);
		snprintf(path, sizeof path, "%s/stele.json", dir);
		if (rc == 0)
			rc = write_json(path, stele);
	}
	json_decref(stele);
	json_decref(config);
	json_decref(merged);
	json_decref(yaml);
	json_decref(image_config);
	return rc;
}

/* volumes: NAME/lower with the image's files (or empty), NAME/merged,
 * and NAME/tmp for a read-write one, where boot mounts its tmpfs. */
static int stage_volume(struct stage *st, const char *pkg_dir, const json_t *vol)
{
	const char *name = json_string_value(json_object_get(vol, "name"));
	const char *ref = json_string_value(json_object_get(vol, "image"));
	char rel[PATH_MAX], path[PATH_MAX * 2];
	snprintf(rel, sizeof rel, "%s/%s/lower", SPEC_VOLUMES_DIR + 1, name);
	json_t *image_config = NULL;
	if (ref && image_unpack(ref, pkg_dir, st->tree, rel, st->meta, &image_config) < 0) {
		log_msg_as(LOG_ERR, NULL, "%s:%d: volumes: %s: cannot unpack image %s",
			   schema_file_of(st->cfg, vol), yconv_line(vol, "image"), name, ref);
		return -1;
	}
	json_decref(image_config);
	static const char *const dirs[] = {"lower", "merged", "tmp"};
	bool ro = json_is_true(json_object_get(vol, "readonly"));
	for (size_t i = 0; i < (ro ? 2u : 3u); i++) {
		snprintf(path, sizeof path, "%s%s/%s/%s", st->tree, SPEC_VOLUMES_DIR, name,
			 dirs[i]);
		if (mkdir_p(path, 0755) < 0)
			return -1;
	}
	return 0;
}

int bundles_stage(struct stage *st, const char *pkg_dir)
{
	size_t v;
	json_t *vol;
	json_array_foreach(json_object_get(st->cfg->root, "volumes"), v, vol)
	{
		if (stage_volume(st, pkg_dir, vol) < 0)
			return -1;
	}
	for (size_t s = 0; s < 3; s++) {
		size_t i;
		json_t *entry;
		json_array_foreach(json_object_get(st->cfg->root, schema_sections[s]), i,
				   entry) if (stage_bundle(st, pkg_dir, schema_sections[s], i,
							   entry) < 0) return -1;
	}
	return 0;
}

int bundles_check_images(const struct config *cfg, const char *pkg_dir)
{
	int bad = 0;
	size_t v;
	json_t *vol;
	json_array_foreach(json_object_get(cfg->root, "volumes"), v, vol)
	{
		char why[PATH_MAX + 256];
		const char *ref = json_string_value(json_object_get(vol, "image"));
		if (ref && image_check(ref, pkg_dir, why, sizeof why) < 0) {
			schema_error(cfg, vol, "image", "%s", why);
			bad++;
		}
	}
	for (size_t s = 0; s < 3; s++) {
		size_t i;
		json_t *entry;
		json_array_foreach(json_object_get(cfg->root, schema_sections[s]), i, entry)
		{
			char why[PATH_MAX + 256];
			const char *ref = json_string_value(json_object_get(entry, "image"));
			if (ref && image_check(ref, pkg_dir, why, sizeof why) < 0) {
				schema_error(cfg, entry, "image", "%s", why);
				bad++;
			}
		}
	}
	return bad;
}
