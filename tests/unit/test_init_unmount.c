// sources: boot/unmount.c lib/bounded_call.c lib/spawn.c lib/log.c
/* unmount: the shutdown order, from mountinfo tables parsed by libmount. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "boot/unmount.h"
#include "lib/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Parse mountinfo text through a file, as unmount_all() does. */
static int plan_of(const char *mountinfo, char ***targets)
{
	char path[] = "/tmp/stele-mountinfo-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, mountinfo, strlen(mountinfo)), (ssize_t)strlen(mountinfo));
	close(fd);
	struct libmnt_table *table = mnt_new_table_from_file(path);
	unlink(path);
	assert_non_null(table);
	int n = unmount_plan(table, targets);
	mnt_unref_table(table);
	return n;
}

static long position(char **targets, int n, const char *target)
{
	for (int i = 0; i < n; i++)
		if (strcmp(targets[i], target) == 0)
			return i;
	return -1;
}

/* What init mounts at boot, in that order. */
static const char boot[] = "20 1 0:19 / / rw,relatime shared:1 - tmpfs tmpfs rw\n"
			   "21 20 0:20 / /proc rw,nosuid,nodev,noexec shared:2 - proc proc rw\n"
			   "22 20 0:21 / /sys rw,nosuid,nodev,noexec shared:3 - sysfs sysfs rw\n"
			   "23 20 0:5 / /dev rw,nosuid,noexec shared:4 - devtmpfs devtmpfs rw\n"
			   "24 23 0:22 / /dev/pts rw shared:5 - devpts devpts rw\n"
			   "25 23 0:23 / /dev/shm rw shared:6 - tmpfs shm rw\n"
			   "26 20 0:24 / /run rw shared:7 - tmpfs tmpfs rw\n"
			   "27 22 0:25 / /sys/fs/cgroup rw shared:8 - cgroup2 cgroup2 rw\n"
			   "28 20 0:26 / /var rw shared:9 - tmpfs tmpfs rw\n"
			   "29 28 254:16 / /var/lib rw shared:10 - ext4 /dev/vdb rw\n"
			   "30 29 0:27 / /var/lib/containerd/x rw shared:11 - overlay overlay rw\n";

static void newest_first_root_left_out(void **state)
{
	char **t;
	int n = plan_of(boot, &t);
	assert_int_equal(n, 10);
	assert_int_equal(position(t, n, "/"), -1);
	assert_string_equal(t[0], "/var/lib/containerd/x");
	assert_string_equal(t[1], "/var/lib");
	assert_string_equal(t[2], "/var");
	assert_string_equal(t[n - 1], "/proc");
	unmount_plan_free(t, n);
}

/* A mount made before the mounts inside it, but listed after them (moved
 * with MS_MOVE, or propagated): it must still come after them. */
static void children_before_parents_whatever_the_table_order(void **state)
{
	const char moved[] = "20 1 0:19 / / rw - tmpfs tmpfs rw\n"
			     "31 20 0:30 / /a/b/c rw - tmpfs tmpfs rw\n"
			     "32 20 0:31 / /a/b rw - tmpfs tmpfs rw\n"
			     "33 20 0:32 / /x rw - tmpfs tmpfs rw\n"
			     "34 20 0:33 / /a rw - tmpfs tmpfs rw\n"
			     "35 20 0:34 / /ab rw - tmpfs tmpfs rw\n";
	char **t;
	int n = plan_of(moved, &t);
	assert_int_equal(n, 5);
	assert_true(position(t, n, "/a/b/c") < position(t, n, "/a/b"));
	assert_true(position(t, n, "/a/b") < position(t, n, "/a"));
	/* "/ab" is not inside "/a": newest first stays. */
	assert_int_equal(position(t, n, "/ab"), 0);
	unmount_plan_free(t, n);
}

/* Two mounts on one target: the upper (newer) one goes first. */
static void stacked_mounts_top_first(void **state)
{
	const char stacked[] = "20 1 0:19 / / rw - tmpfs tmpfs rw\n"
			       "40 20 0:40 / /mnt rw - tmpfs lower rw\n"
			       "41 40 0:41 / /mnt rw - tmpfs upper rw\n";
	char **t;
	int n = plan_of(stacked, &t);
	assert_int_equal(n, 2);
	assert_string_equal(t[0], "/mnt");
	assert_string_equal(t[1], "/mnt");
	unmount_plan_free(t, n);
}

static void empty_table(void **state)
{
	char **t;
	int n = plan_of("20 1 0:19 / / rw - tmpfs tmpfs rw\n", &t);
	assert_int_equal(n, 0);
	unmount_plan_free(t, n);
}

int main(void)
{
	log_set_kmsg(false);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(newest_first_root_left_out),
	    cmocka_unit_test(children_before_parents_whatever_the_table_order),
	    cmocka_unit_test(stacked_mounts_top_first),
	    cmocka_unit_test(empty_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
