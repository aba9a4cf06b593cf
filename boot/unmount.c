#include "boot/unmount.h"

#include "lib/bounded_call.h"
#include "lib/log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

/* Each unmount or read-only remount writes its filesystem out; on a disk
 * that has stopped answering that never ends (lib/bounded_call.h). */
#define UNMOUNT_TIMEOUT_MS 30000

/* Whether path lies strictly inside dir. */
static bool is_inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (strcmp(dir, "/") == 0)
		return strcmp(path, "/") != 0;
	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* A mount moved or propagated after its children shows up before them in
 * the table: push each entry past the last of its descendants. Each entry
 * only moves forward over entries inside it, so this ends. */
static void children_first(char **targets, int count)
{
	for (int i = 0; i < count;) {
		int last_inside = -1;
		for (int j = i + 1; j < count; j++)
			if (is_inside(targets[j], targets[i]))
				last_inside = j;
		if (last_inside < 0) {
			i++;
			continue;
		}
		char *moved = targets[i];
		memmove(&targets[i], &targets[i + 1], (size_t)(last_inside - i) * sizeof *targets);
		targets[last_inside] = moved;
	}
}

int unmount_plan(struct libmnt_table *table, char ***targets)
{
	int count = 0, cap = mnt_table_get_nents(table);
	char **list = calloc((size_t)cap + 1, sizeof *list);
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_BACKWARD);
	if (!list || !it) {
		free(list);
		mnt_free_iter(it);
		return -1;
	}
	struct libmnt_fs *fs;
	while (count < cap && mnt_table_next_fs(table, it, &fs) == 0) {
		const char *target = mnt_fs_get_target(fs);
		if (!target || strcmp(target, "/") == 0)
			continue;
		if (!(list[count] = strdup(target))) {
			unmount_plan_free(list, count);
			mnt_free_iter(it);
			return -1;
		}
		count++;
	}
	mnt_free_iter(it);
	children_first(list, count);
	*targets = list;
	return count;
}

void unmount_plan_free(char **targets, int count)
{
	for (int i = 0; i < count; i++)
		free(targets[i]);
	free(targets);
}

static bool on_block_device(struct libmnt_table *table, const char *target)
{
	struct libmnt_fs *fs = mnt_table_find_target(table, target, MNT_ITER_BACKWARD);
	const char *source = fs ? mnt_fs_get_source(fs) : NULL;
	return source && strncmp(source, "/dev/", 5) == 0 && !mnt_fs_is_pseudofs(fs);
}

static int unmount_one(struct libmnt_table *table, const char *target)
{
	char why[128];
	enum bounded_outcome done = bounded_umount(target, UMOUNT_NOFOLLOW, UNMOUNT_TIMEOUT_MS);
	if (done == BOUNDED_DONE) {
		log_info("unmounted %s", target);
		return 0;
	}
	if (done == BOUNDED_FAILED && (errno == EINVAL || errno == ENOENT))
		return 0; /* gone with its parent, or never a mount point here */
	if (done != BOUNDED_FAILED) {
		log_err("unmount %s: %s; going on", target,
			bounded_why(done, UNMOUNT_TIMEOUT_MS, why, sizeof why));
		return 1;
	}
	int busy = errno;
	unsigned long flags = MS_REMOUNT | MS_RDONLY;
	if (!on_block_device(table, target))
		flags |= MS_BIND;
	done = bounded_remount(target, flags, UNMOUNT_TIMEOUT_MS);
	if (done == BOUNDED_DONE) {
		log_info("%s busy (%s): remounted read-only", target, strerror(busy));
		return 0;
	}
	log_err("%s: unmount: %s; read-only remount: %s", target, strerror(busy),
		bounded_why(done, UNMOUNT_TIMEOUT_MS, why, sizeof why));
	return 1;
}

int unmount_all(void)
{
	struct libmnt_table *table = mnt_new_table_from_file("/proc/self/mountinfo");
	if (!table) {
		log_err("unmount: cannot read /proc/self/mountinfo: filesystems stay mounted");
		return 1;
	}
	char **targets;
	int count = unmount_plan(table, &targets);
	if (count < 0) {
		log_err("unmount: out of memory: filesystems stay mounted");
		mnt_unref_table(table);
		return 1;
	}
	int left = 0;
	for (int i = 0; i < count; i++)
		left += unmount_one(table, targets[i]);
	unmount_plan_free(targets, count);
	mnt_unref_table(table);
	return left;
}
