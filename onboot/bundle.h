/* bundle: find the onboot bundles of a directory and check them before
 * runc sees them.
 *
 * Layout (LinuxKit's): DIR/NNN-NAME/{config.json, rootfs/, stele.json?}.
 * Bundles run in the lexical order of their directory names; the container
 * is called NAME (the leading digits and one '-' dropped), which is its runc
 * id and its log file name.
 *
 * Contract: bundles_list() returns the bundles in order (a missing DIR has
 * none). bundle_check() returns 0, or -1 with one line in err naming the
 * file at fault and the fix; a bundle that fails it must be skipped. */
#ifndef STELE_ONBOOT_BUNDLE_H
#define STELE_ONBOOT_BUNDLE_H

#include <limits.h>
#include <stddef.h>

#define BUNDLE_NAME_MAX 64

struct bundle {
	char dir[PATH_MAX];
	char name[BUNDLE_NAME_MAX];
};

/* Returns the number of bundles with *out malloc'd (free it), or -1 with
 * errno. Entries that are not directories are left out. */
int bundles_list(const char *dir, struct bundle **out);

/* "010-dhcpcd" -> "dhcpcd". Names are [A-Za-z0-9_.-]; returns -1 for
 * anything else, or when nothing is left. */
int bundle_name(const char *entry, char *name, size_t len);

/* config.json is valid JSON with process.args, a relative or absolute
 * root.path that is a directory, terminal false and a safe process.cwd. */
int bundle_check(const struct bundle *b, char *err, size_t len);

#endif
