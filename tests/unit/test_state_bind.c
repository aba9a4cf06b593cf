// sources: lib/fdio.c lib/state_bind.c lib/state_status.c
/* state_bind and state_status: what the supervisor and onboot link.
 * Bind sources appear under the volume at the right owner and mode, and
 * never anywhere else; the status file is classified as documented. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "lib/state_bind.h"
#include "lib/state_status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64], path[256], err[300];

static int make_root(void **state)
{
	snprintf(root, sizeof root, "/tmp/test_state_bind.XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int remove_root(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *at(const char *rel)
{
	snprintf(path, sizeof path, "%s/%s", root, rel);
	return path;
}

static void assert_dir(const char *rel, uid_t uid, gid_t gid, mode_t mode)
{
	struct stat st;
	assert_int_equal(lstat(at(rel), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_uid, uid);
	assert_int_equal(st.st_gid, gid);
	assert_int_equal(st.st_mode & 07777, mode);
}

static void creates_the_leaf_at_owner_and_mode(void **state)
{
	if (geteuid() != 0)
		skip();
	assert_int_equal(state_bind_source(root, at("redis/data"), 999, 998, 0750, err, sizeof err),
			 0);
	assert_dir("redis", 0, 0, 0755);
	assert_dir("redis/data", 999, 998, 0750);
}

static void leaves_an_existing_directory_alone(void **state)
{
	assert_int_equal(mkdir(at("kept"), 0711), 0);
	assert_int_equal(chmod(at("kept"), 0711), 0);
	assert_int_equal(state_bind_source(root, at("kept"), 5, 5, 0700, err, sizeof err), 0);
	assert_dir("kept", geteuid(), getegid(), 0711);
}

static void paths_outside_the_volume_are_not_its_business(void **state)
{
	char sibling[128];
	snprintf(sibling, sizeof sibling, "%sx/data", root); /* /tmp/...XXXXXXx */
	assert_int_equal(state_bind_source(root, sibling, 0, 0, 0755, err, sizeof err), 1);
	assert_int_equal(access(sibling, F_OK), -1);
	assert_int_equal(state_bind_source(root, "/etc/x", 0, 0, 0755, err, sizeof err), 1);
}

static void a_planted_symlink_is_not_followed(void **state)
{
	assert_int_equal(symlink("/tmp", at("link")), 0);
	assert_int_equal(state_bind_source(root, at("link/escaped"), 0, 0, 0755, err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "symlink"));
	assert_int_equal(access("/tmp/escaped", F_OK), -1);
}

static void dot_dot_is_refused(void **state)
{
	assert_int_equal(state_bind_source(root, at("a/../../b"), 0, 0, 0755, err, sizeof err), -1);
	assert_non_null(strstr(err, "'..'"));
}

static void status_lines_are_classified(void **state)
{
	char line[256];
	const char *file = at("state-status");
	assert_int_equal(state_status_read(file, line, sizeof line), STATE_STATUS_NONE);
	assert_false(state_status_blocks_binds(file));

	assert_int_equal(
	    state_status_write(file, "mounted %s %s at %s", "/dev/vdb", "u-u-i-d", "/var/lib"), 0);
	assert_int_equal(state_status_read(file, line, sizeof line), STATE_STATUS_MOUNTED);
	assert_string_equal(line, "mounted /dev/vdb u-u-i-d at /var/lib");
	assert_false(state_status_blocks_binds(file));

	assert_int_equal(state_status_write(file, "tmpfs-fallback: %s", "no disk"), 0);
	assert_int_equal(state_status_read(file, NULL, 0), STATE_STATUS_TMPFS_FALLBACK);
	assert_false(state_status_blocks_binds(file));

	assert_int_equal(state_status_write(file, "unavailable: %s", "vdb refused"), 0);
	assert_int_equal(state_status_read(file, line, sizeof line), STATE_STATUS_UNAVAILABLE);
	assert_string_equal(line, "unavailable: vdb refused");
	assert_true(state_status_blocks_binds(file));
	assert_int_equal(access(at("state-status.tmp"), F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(creates_the_leaf_at_owner_and_mode),
	    cmocka_unit_test(leaves_an_existing_directory_alone),
	    cmocka_unit_test(paths_outside_the_volume_are_not_its_business),
	    cmocka_unit_test(a_planted_symlink_is_not_followed),
	    cmocka_unit_test(dot_dot_is_refused),
	    cmocka_unit_test(status_lines_are_classified),
	};
	return cmocka_run_group_tests(tests, make_root, remove_root);
}
