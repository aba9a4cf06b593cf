/* spec: a bundle's config.json as containerd needs it without a
 * snapshotter: root.path absolute. The rest of the spec is passed through
 * untouched; runc validates it at task create. */
#include "containerd/ctrd.h"

#include "lib/error.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A config.json is a few KiB; anything far larger is not one. */
#define SPEC_MAX_BYTES (4u << 20)

static char *fail(char *err, size_t errlen, json_t *root, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static char *fail(char *err, size_t errlen, json_t *root, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset_error(err, errlen, fmt, ap);
	va_end(ap);
	json_decref(root);
	return NULL;
}

char *ctrd_bundle_spec(const char *bundle_dir, size_t *len, char *err, size_t errlen)
{
	char bundle[PATH_MAX], path[PATH_MAX + 16];
	if (!realpath(bundle_dir, bundle))
		return fail(err, errlen, NULL, "bundle %s: %s (give an existing bundle directory)",
			    bundle_dir, strerror(errno));
	snprintf(path, sizeof path, "%s/config.json", bundle);
	json_error_t jerr;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return fail(err, errlen, NULL, "%s: line %d: %s (fix the bundle's OCI spec)", path,
			    jerr.line, jerr.text);
	json_t *rootobj = json_object_get(root, "root");
	const char *rootpath = json_string_value(json_object_get(rootobj, "path"));
	if (!json_is_object(root) || !rootpath || !rootpath[0])
		return fail(err, errlen, root, "%s: no root.path (an OCI spec names its rootfs)",
			    path);
	if (rootpath[0] != '/') {
		char abs[PATH_MAX * 2 + 2];
		int n = snprintf(abs, sizeof abs, "%s/%s", bundle, rootpath);
		if (n < 0 || (size_t)n >= PATH_MAX)
			return fail(err, errlen, root, "%s: root.path too long", path);
		if (json_object_set_new(rootobj, "path", json_string(abs)) < 0)
			return fail(err, errlen, root, "%s: out of memory", path);
	}
	char *out = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!out)
		return fail(err, errlen, NULL, "%s: out of memory", path);
	*len = strlen(out);
	if (*len > SPEC_MAX_BYTES) {
		free(out);
		return fail(err, errlen, NULL, "%s: larger than %u bytes", path, SPEC_MAX_BYTES);
	}
	return out;
}
