// clang-format off
// sources: state/probe.c state/find.c state/auto.c state/bootdisk.c state/config.c lib/spawn.c lib/log.c schema/check.c schema/fields.c
// clang-format on
/* state_probe: the blank check on image files with real libblkid and a
 * real mke2fs, and the probe child's bounded search. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "lib/log.h"
#include "state/probe.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIB (1024 * 1024)

static char dir[64];

static int make_dir(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/test_state_probe.XXXXXX");
	log_set_kmsg(false);
	log_set_console(false);
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A sparse image of size bytes, with one 0xff byte at each offset given. */
static const char *image(const char *name, off_t size, int n_marks, const off_t *marks)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, size), 0);
	for (int i = 0; i < n_marks; i++)
		assert_int_equal(pwrite(fd, "\xff", 1, marks[i]), 1);
	close(fd);
	return path;
}

static void zeros_are_blank(void **state)
{
	struct probe_result r;
	state_probe_device(image("zero", 8 * MIB, 0, NULL), &r);
	assert_int_equal(r.verdict, PROBE_BLANK);
	assert_int_equal(r.dev_bytes, 8 * MIB);
}

static void a_tiny_zeroed_device_is_blank(void **state)
{
	struct probe_result r;
	state_probe_device(image("tiny", 300 * 1024, 0, NULL), &r);
	assert_int_equal(r.verdict, PROBE_BLANK);
}

static void one_byte_in_the_first_mib_is_data(void **state)
{
	struct probe_result r;
	off_t mark = MIB - 1;
	state_probe_device(image("head", 8 * MIB, 1, &mark), &r);
	assert_int_equal(r.verdict, PROBE_NOT_BLANK);
	assert_non_null(strstr(r.reason, "first MiB"));
}

static void one_byte_in_the_last_mib_is_data(void **state)
{
	struct probe_result r;
	off_t mark = 7 * MIB;
	state_probe_device(image("tail", 8 * MIB, 1, &mark), &r);
	assert_int_equal(r.verdict, PROBE_NOT_BLANK);
	assert_non_null(strstr(r.reason, "last MiB"));
}

/* Between the ends is not checked: that is what the signature probe is for. */
static void data_in_the_middle_only_is_blank(void **state)
{
	struct probe_result r;
	off_t mark = 4 * MIB;
	state_probe_device(image("middle", 8 * MIB, 1, &mark), &r);
	assert_int_equal(r.verdict, PROBE_BLANK);
}

static void ext4_is_a_filesystem_with_label_uuid_and_size(void **state)
{
	const char *path = image("ext4", 32 * MIB, 0, NULL);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "/sbin/mke2fs -q -F -t ext4 -L unit-label %s", path);
	assert_int_equal(system(cmd), 0);
	struct probe_result r;
	state_probe_device(path, &r);
	assert_int_equal(r.verdict, PROBE_FILESYSTEM);
	assert_string_equal(r.type, "ext4");
	assert_string_equal(r.label, "unit-label");
	assert_int_equal(strlen(r.uuid), 36);
	assert_int_equal(r.fs_bytes, 32 * MIB);
}

static void a_missing_device_is_an_error(void **state)
{
	struct probe_result r;
	state_probe_device("/nonexistent/disk", &r);
	assert_int_equal(r.verdict, PROBE_ERROR);
	assert_non_null(strstr(r.reason, "No such file"));
}

static void the_child_waits_for_a_path_and_gives_up(void **state)
{
	struct state_config cfg;
	state_config_defaults(&cfg);
	snprintf(cfg.spec, sizeof cfg.spec, "%s/never-appears", dir);
	cfg.wait_s = 1;
	struct probe_result r;
	state_probe_in_child(&cfg, &r);
	assert_int_equal(r.verdict, PROBE_NOT_FOUND);
	assert_non_null(strstr(r.reason, "not found within 1 s"));
}

static void the_child_refuses_what_is_not_a_block_device(void **state)
{
	struct state_config cfg;
	state_config_defaults(&cfg);
	snprintf(cfg.spec, sizeof cfg.spec, "%s", image("file", MIB, 0, NULL));
	struct probe_result r;
	state_probe_in_child(&cfg, &r);
	assert_int_equal(r.verdict, PROBE_ERROR);
	assert_string_equal(r.reason, "not a block device");
}

static void an_unknown_label_is_not_found(void **state)
{
	struct state_config cfg;
	state_config_defaults(&cfg);
	snprintf(cfg.spec, sizeof cfg.spec, "LABEL=no-such-label-xyz");
	cfg.wait_s = 0;
	struct probe_result r;
	state_probe_in_child(&cfg, &r);
	assert_int_equal(r.verdict, PROBE_NOT_FOUND);
	assert_non_null(strstr(r.reason, "no device carries LABEL=no-such-label-xyz"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(zeros_are_blank),
	    cmocka_unit_test(a_tiny_zeroed_device_is_blank),
	    cmocka_unit_test(one_byte_in_the_first_mib_is_data),
	    cmocka_unit_test(one_byte_in_the_last_mib_is_data),
	    cmocka_unit_test(data_in_the_middle_only_is_blank),
	    cmocka_unit_test(ext4_is_a_filesystem_with_label_uuid_and_size),
	    cmocka_unit_test(a_missing_device_is_an_error),
	    cmocka_unit_test(the_child_waits_for_a_path_and_gives_up),
	    cmocka_unit_test(the_child_refuses_what_is_not_a_block_device),
	    cmocka_unit_test(an_unknown_label_is_not_found),
	};
	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
