// sources: boot/settings.c boot/readfile.c pid1/testfault.c lib/log.c
/* settings: init.conf and the kernel command line, and their precedence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "boot/settings.h"
#include "lib/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int teardown(void **state)
{
	settings_free(*state);
	free(*state);
	return 0;
}

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct settings));
	return *state ? 0 : -1;
}

static void conf_lines_comments_and_spaces(void **state)
{
	struct settings *s = *state;
	const char *conf = "# a comment\n"
			   "\n"
			   "supervisor = /sbin/x\n"
			   "   debug=1   \n"
			   "var_size=10%\n"
			   "empty=\n"
			   "var_size=20%\n";
	assert_int_equal(settings_parse_conf(s, conf, "init.conf"), 0);
	assert_string_equal(settings_get(s, "supervisor", NULL), "/sbin/x");
	assert_true(settings_debug(s));
	assert_string_equal(settings_get(s, "var_size", NULL), "20%"); /* the last one wins */
	assert_string_equal(settings_get(s, "empty", "fallback"), "");
	assert_string_equal(settings_get(s, "absent", "fallback"), "fallback");
}

static void conf_bad_lines_are_counted_and_skipped(void **state)
{
	struct settings *s = *state;
	const char *conf = "no equals sign\n"
			   "=value without key\n"
			   "bad key=x\n"
			   "good=yes\n";
	assert_int_equal(settings_parse_conf(s, conf, "init.conf"), 3);
	assert_int_equal(s->count, 1);
	assert_string_equal(settings_get(s, "good", NULL), "yes");
}

static void cmdline_stele_options_quiet_and_quotes(void **state)
{
	struct settings *s = *state;
	const char *cmdline = "console=ttyS0 quiet stele.debug stele.state=LABEL=data "
			      "stele.modules=\"virtio_blk isofs\" root=/dev/vda\n";
	assert_int_equal(settings_parse_cmdline(s, cmdline), 0);
	assert_true(settings_quiet(s));
	assert_true(settings_debug(s)); /* a bare stele.KEY means 1 */
	assert_string_equal(settings_get(s, "state", NULL), "LABEL=data");
	assert_string_equal(settings_get(s, "modules", NULL), "virtio_blk isofs");
	assert_null(settings_get(s, "console", NULL)); /* not ours */
	assert_null(settings_get(s, "root", NULL));
}

static void cmdline_stops_at_double_dash(void **state)
{
	struct settings *s = *state;
	assert_int_equal(settings_parse_cmdline(s, "stele.a=1 -- stele.b=2 quiet"), 0);
	assert_string_equal(settings_get(s, "a", NULL), "1");
	assert_null(settings_get(s, "b", NULL));
	assert_false(settings_quiet(s));
}

static void cmdline_bad_option_is_reported(void **state)
{
	struct settings *s = *state;
	assert_int_equal(settings_parse_cmdline(s, "stele.=x stele.ok=1"), 1);
	assert_string_equal(settings_get(s, "ok", NULL), "1");
}

static void cmdline_overrides_conf(void **state)
{
	struct settings *s = *state;
	char conf[] = "/tmp/stele-settings-conf-XXXXXX";
	char cmdline[] = "/tmp/stele-settings-cmdline-XXXXXX";
	int cfd = mkstemp(conf), kfd = mkstemp(cmdline);
	assert_true(cfd >= 0 && kfd >= 0);
	dprintf(cfd, "state=/dev/vdb\nsupervisor=/sbin/a\n");
	dprintf(kfd, "ro stele.state=none\n");
	close(cfd);
	close(kfd);
	assert_int_equal(settings_load(s, conf, cmdline), 0);
	assert_string_equal(settings_get(s, "state", NULL), "none");
	assert_string_equal(settings_supervisor(s), "/sbin/a");
	unlink(conf);
	unlink(cmdline);
}

static void missing_conf_is_fine(void **state)
{
	struct settings *s = *state;
	char cmdline[] = "/tmp/stele-settings-cmdline-XXXXXX";
	int kfd = mkstemp(cmdline);
	assert_true(kfd >= 0);
	close(kfd);
	assert_int_equal(settings_load(s, "/nonexistent/init.conf", cmdline), 0);
	assert_string_equal(settings_supervisor(s), SUPERVISOR_DEFAULT);
	unlink(cmdline);
}

static void typed_accessors_validate(void **state)
{
	struct settings *s = *state;
	assert_int_equal(settings_parse_conf(s,
					     "crash=reboot\nshutdown_timeout=5\n"
					     "kill_timeout=many\ndebug=maybe\n",
					     "init.conf"),
			 0);
	assert_int_equal(settings_crash(s), CRASH_REBOOT);
	assert_int_equal(settings_shutdown_timeout_ms(s), 5000);
	assert_int_equal(settings_kill_timeout_ms(s), KILL_TIMEOUT_DEFAULT * 1000);
	assert_false(settings_debug(s)); /* not a boolean: the default */
	settings_set(s, "crash", "explode");
	assert_int_equal(settings_crash(s), CRASH_FREEZE);
	settings_set(s, "shutdown_timeout", "99999");
	assert_int_equal(settings_shutdown_timeout_ms(s), SHUTDOWN_TIMEOUT_DEFAULT * 1000);
}

int main(void)
{
	log_set_kmsg(false); /* not the host's kernel log */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(conf_lines_comments_and_spaces, setup, teardown),
	    cmocka_unit_test_setup_teardown(conf_bad_lines_are_counted_and_skipped, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(cmdline_stele_options_quiet_and_quotes, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(cmdline_stops_at_double_dash, setup, teardown),
	    cmocka_unit_test_setup_teardown(cmdline_bad_option_is_reported, setup, teardown),
	    cmocka_unit_test_setup_teardown(cmdline_overrides_conf, setup, teardown),
	    cmocka_unit_test_setup_teardown(missing_conf_is_fine, setup, teardown),
	    cmocka_unit_test_setup_teardown(typed_accessors_validate, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
