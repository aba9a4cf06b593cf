// sources: pid1/config.c pid1/signals.c pid1/crash.c pid1/testfault.c pid1/watchdog.c lib/log.c
/* pid1_config: stage 1's settings reach stele-pid1 on its argv and come
 * back unchanged; a bad argv never stops PID 1, it falls back to defaults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "lib/log.h"
#include "pid1/config.h"
#include "pid1/signals.h"
#include "pid1/testfault.h"
#include "pid1/watchdog.h"

#include <string.h>

static int count(char **argv)
{
	int n = 0;
	while (argv[n])
		n++;
	return n;
}

static void round_trip(void **state)
{
	(void)state;
	struct pid1_config in = {
	    .supervisor = "/sbin/sv",
	    .shutdown_timeout_ms = 30000,
	    .kill_timeout_ms = 2000,
	    .crash = CRASH_REBOOT,
	    .restart_limit = 3,
	    .restart_window_ms = 20000,
	    .watchdog = "/dev/watchdog1",
	    .watchdog_timeout_s = 12,
	    .test_fault = "freeze:5",
	    .debug = true,
	    .quiet = true,
	    .stage1 = "/x/init",
	};
	struct pid1_argv storage;
	char **argv = pid1_config_to_argv(&in, "/x/stele-pid1", &storage);
	assert_string_equal(argv[0], "/x/stele-pid1");
	struct pid1_config out;
	pid1_config_defaults(&out);
	assert_int_equal(pid1_config_from_argv(&out, count(argv), argv), 0);
	assert_string_equal(out.supervisor, "/sbin/sv");
	assert_int_equal(out.shutdown_timeout_ms, 30000);
	assert_int_equal(out.kill_timeout_ms, 2000);
	assert_int_equal(out.crash, CRASH_REBOOT);
	assert_int_equal(out.restart_limit, 3);
	assert_int_equal(out.restart_window_ms, 20000);
	assert_string_equal(out.watchdog, "/dev/watchdog1");
	assert_int_equal(out.watchdog_timeout_s, 12);
	assert_string_equal(out.test_fault, "freeze:5");
	assert_true(out.debug);
	assert_true(out.quiet);
	assert_string_equal(out.stage1, "/x/init");
}

static void defaults_without_arguments(void **state)
{
	(void)state;
	char *argv[] = {"stele-pid1", NULL};
	struct pid1_config cfg;
	pid1_config_defaults(&cfg);
	assert_int_equal(pid1_config_from_argv(&cfg, 1, argv), 0);
	assert_string_equal(cfg.supervisor, SUPERVISOR_DEFAULT);
	assert_int_equal(cfg.shutdown_timeout_ms, SHUTDOWN_TIMEOUT_DEFAULT * 1000);
	assert_int_equal(cfg.kill_timeout_ms, KILL_TIMEOUT_DEFAULT * 1000);
	assert_int_equal(cfg.crash, CRASH_FREEZE);
	assert_int_equal(cfg.restart_limit, RESTART_LIMIT_DEFAULT);
	assert_int_equal(cfg.restart_window_ms, RESTART_WINDOW_DEFAULT * 1000);
	assert_null(cfg.watchdog);
	assert_null(cfg.test_fault);
	assert_false(cfg.debug);
	assert_false(cfg.quiet);
	assert_string_equal(cfg.stage1, STAGE1_DEFAULT);
}

static void bad_arguments_keep_defaults(void **state)
{
	(void)state;
	char *argv[] = {"stele-pid1",	"--bogus", "--kill-timeout",	 "-1",
			"--crash",	"explode", "--shutdown-timeout", "9x",
			"--supervisor", "",	   "--stage1",		 NULL};
	struct pid1_config cfg;
	pid1_config_defaults(&cfg);
	assert_int_equal(pid1_config_from_argv(&cfg, count(argv), argv), 6);
	assert_int_equal(cfg.kill_timeout_ms, KILL_TIMEOUT_DEFAULT * 1000);
	assert_int_equal(cfg.shutdown_timeout_ms, SHUTDOWN_TIMEOUT_DEFAULT * 1000);
	assert_int_equal(cfg.crash, CRASH_FREEZE);
	assert_string_equal(cfg.supervisor, SUPERVISOR_DEFAULT);
	assert_string_equal(cfg.stage1, STAGE1_DEFAULT);
}

/* Without a watchdog or a test fault, their options are left out. */
static void optional_options_left_out(void **state)
{
	(void)state;
	struct pid1_config cfg;
	pid1_config_defaults(&cfg);
	struct pid1_argv storage;
	char **argv = pid1_config_to_argv(&cfg, "/sbin/stele-pid1", &storage);
	for (int i = 0; argv[i]; i++) {
		assert_string_not_equal(argv[i], "--watchdog");
		assert_string_not_equal(argv[i], "--test-fault");
	}
}

static void bad_new_options_keep_defaults(void **state)
{
	(void)state;
	char *argv[] = {"stele-pid1", "--restart-limit",
			"101",	      "--restart-window",
			"0",	      "--watchdog-timeout",
			"0",	      "--test-fault",
			"freeze:0",   "--test-fault",
			"explode",    "--restart-limit",
			"x",	      NULL};
	struct pid1_config cfg;
	pid1_config_defaults(&cfg);
	assert_int_equal(pid1_config_from_argv(&cfg, count(argv), argv), 6);
	assert_int_equal(cfg.restart_limit, RESTART_LIMIT_DEFAULT);
	assert_int_equal(cfg.restart_window_ms, RESTART_WINDOW_DEFAULT * 1000);
	assert_int_equal(cfg.watchdog_timeout_s, WATCHDOG_TIMEOUT_DEFAULT);
	assert_null(cfg.test_fault);
}

static void test_faults_parse(void **state)
{
	(void)state;
	struct test_fault f;
	assert_int_equal(test_fault_parse("segv", &f), 0);
	assert_int_equal(f.kind, TEST_FAULT_SEGV);
	assert_int_equal(test_fault_parse("signalfd", &f), 0);
	assert_int_equal(f.kind, TEST_FAULT_SIGNALFD);
	assert_int_equal(test_fault_parse("freeze:30", &f), 0);
	assert_int_equal(f.kind, TEST_FAULT_FREEZE);
	assert_int_equal(f.seconds, 30);
	assert_int_equal(test_fault_parse("freeze:", &f), -1);
	assert_int_equal(test_fault_parse("freeze:3601", &f), -1);
	assert_int_equal(test_fault_parse("freeze", &f), -1);
	assert_int_equal(test_fault_parse("SEGV", &f), -1);
}

static void shutdown_kind_names(void **state)
{
	(void)state;
	const enum shutdown_kind kinds[] = {SHUTDOWN_REBOOT, SHUTDOWN_HALT, SHUTDOWN_POWEROFF};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		assert_int_equal(shutdown_kind_from_name(shutdown_kind_name(kinds[i])), kinds[i]);
	assert_int_equal(shutdown_kind_from_name("none"), SHUTDOWN_NONE);
	assert_int_equal(shutdown_kind_from_name("Reboot"), SHUTDOWN_NONE);
}

int main(void)
{
	log_set_kmsg(false);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(round_trip),
	    cmocka_unit_test(defaults_without_arguments),
	    cmocka_unit_test(bad_arguments_keep_defaults),
	    cmocka_unit_test(optional_options_left_out),
	    cmocka_unit_test(bad_new_options_keep_defaults),
	    cmocka_unit_test(test_faults_parse),
	    cmocka_unit_test(shutdown_kind_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
