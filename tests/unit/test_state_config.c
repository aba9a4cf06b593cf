// sources: state/config.c schema/check.c schema/fields.c
/* state_config: documented defaults, every key, and bad values that keep
 * the default and explain themselves in one line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "state/config.h"

#include <string.h>

static void defaults_are_the_documented_ones(void **state)
{
	struct state_config cfg;
	state_config_defaults(&cfg);
	assert_string_equal(cfg.spec, "");
	assert_true(state_config_disabled(&cfg));
	assert_string_equal(cfg.fs, "ext4");
	assert_string_equal(cfg.label, "stele-state");
	assert_string_equal(cfg.mountpoint, "/var/lib");
	assert_string_equal(cfg.options, "noatime");
	assert_false(cfg.required);
	assert_string_equal(cfg.force, "");
	assert_int_equal(cfg.wait_s, 10);
	assert_int_equal(cfg.fsck_fail, STATE_FSCK_FAIL_RO);
	assert_string_equal(cfg.status_path, "/run/stele/state-status");
}

static void every_key_is_applied(void **state)
{
	struct state_config cfg;
	char err[300] = "";
	state_config_defaults(&cfg);
	const char *pairs[][2] = {
	    {"state", "LABEL=data"},
	    {"state_fs", "ext4"},
	    {"state_label", "mine"},
	    {"state_mountpoint", "/srv/state"},
	    {"state_options", "noatime,nodev"},
	    {"state_required", "yes"},
	    {"state_force", "/dev/vdb"},
	    {"state_wait", "30"},
	    {"state_fsck_fail", "none"},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
		assert_int_equal(state_config_set(&cfg, pairs[i][0], pairs[i][1], err, sizeof err),
				 0);
	assert_string_equal(cfg.spec, "LABEL=data");
	assert_false(state_config_disabled(&cfg));
	assert_string_equal(cfg.label, "mine");
	assert_string_equal(cfg.mountpoint, "/srv/state");
	assert_string_equal(cfg.options, "noatime,nodev");
	assert_true(cfg.required);
	assert_string_equal(cfg.force, "/dev/vdb");
	assert_int_equal(cfg.wait_s, 30);
	assert_int_equal(cfg.fsck_fail, STATE_FSCK_FAIL_NONE);
}

static void specs_of_every_form_are_accepted(void **state)
{
	const char *good[] = {"/dev/vdb", "LABEL=x", "UUID=1234-5678", "auto", "none"};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		struct state_config cfg;
		char err[300];
		state_config_defaults(&cfg);
		assert_int_equal(state_config_set(&cfg, "state", good[i], err, sizeof err), 0);
		assert_string_equal(cfg.spec, good[i]);
	}
}

/* Each bad value: -1, the default stays, and the message names key and value. */
static void bad_values_keep_the_default_and_say_why(void **state)
{
	const char *bad[][2] = {
	    {"state", "vdb"},
	    {"state", "LABEL="},
	    {"state_fs", "xfs"},
	    {"state_label", "a-label-longer-than-16"},
	    {"state_mountpoint", "var/lib"},
	    {"state_mountpoint", "/"},
	    {"state_required", "maybe"},
	    {"state_force", "vdb"},
	    {"state_wait", "ten"},
	    {"state_wait", "-1"},
	    {"state_wait", "99999"},
	    {"state_fsck_fail", "rw"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct state_config cfg, fresh;
		char err[300] = "";
		state_config_defaults(&cfg);
		state_config_defaults(&fresh);
		assert_int_equal(state_config_set(&cfg, bad[i][0], bad[i][1], err, sizeof err), -1);
		assert_memory_equal(&cfg, &fresh, sizeof cfg);
		assert_non_null(strstr(err, bad[i][0]));
		assert_non_null(strstr(err, bad[i][1]));
		assert_null(strchr(err, '\n'));
	}
}

/* The filesystems the builder accepts for state.fs (schema_state). */
static void every_filesystem_the_builder_takes(void **state)
{
	const char *fs[] = {"ext4", "ext3", "ext2"};
	for (size_t i = 0; i < sizeof fs / sizeof *fs; i++) {
		struct state_config cfg;
		char err[300] = "";
		state_config_defaults(&cfg);
		assert_int_equal(state_config_set(&cfg, "state_fs", fs[i], err, sizeof err), 0);
		assert_string_equal(cfg.fs, fs[i]);
	}
	struct state_config cfg;
	char err[300] = "";
	state_config_defaults(&cfg);
	assert_int_equal(state_config_set(&cfg, "state_fs", "xfs", err, sizeof err), -1);
	assert_string_equal(err, "state_fs=xfs: expected ext4, ext3 or ext2; using ext4");
}

static void other_keys_are_not_ours(void **state)
{
	struct state_config cfg;
	char err[300];
	state_config_defaults(&cfg);
	assert_int_equal(state_config_set(&cfg, "hostname", "x", err, sizeof err), 1);
	assert_int_equal(state_config_set(&cfg, "debug", "1", err, sizeof err), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(defaults_are_the_documented_ones),
	    cmocka_unit_test(every_key_is_applied),
	    cmocka_unit_test(specs_of_every_form_are_accepted),
	    cmocka_unit_test(bad_values_keep_the_default_and_say_why),
	    cmocka_unit_test(every_filesystem_the_builder_takes),
	    cmocka_unit_test(other_keys_are_not_ours),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
