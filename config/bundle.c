#include "bundle.h"

#include "fsutil.h"
#include "image.h"
#include "spec.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int write_json(const char *path, const json_t *j)
{
	char *text = json_dumps(j, JSON_INDENT(2));
	if (!text) {
		fprintf(stderr, "stele: %s: cannot encode JSON\n", path);
		return -1;
	}
	size_t len = strlen(text);
	text[len] = '\n'; /* json_dumps leaves room: replace the NUL, write len+1 */
	int rc = write_file(path, text, len + 1, 0644);
	free(text);
	return rc;
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

	json_t *image_config = NULL;
	if (image_unpack(ref, pkg_dir, st->tree, rootfs_rel, st->meta, &image_config) < 0) {
		fprintf(stderr, "stele: %s %s: cannot unpack image %s\n", section, name, ref);
		return -1;
	}
	json_t *yaml = json_copy((json_t *)entry);
	json_object_del(yaml, "//lines");
	json_t *merged = spec_merge(yaml, image_config);
	json_t *config = spec_config(merged, image_config, rootfs);
	const char *state_mp = json_string_value(
	    json_object_get(json_object_get(st->cfg->root, "state"), "mountpoint"));
	json_t *stele = spec_stele(merged, state_mp ? state_mp : "/var/lib");
	char path[PATH_MAX * 2 + 16];
	int rc = -1;
	if (config) {
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

int bundles_stage(struct stage *st, const char *pkg_dir)
{
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
