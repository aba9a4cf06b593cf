// sources: state/tool.c lib/spawn.c lib/log.c
/* state_tool: e2fsprogs run as bounded children; their status comes
 * back, an overrun is killed, and their output reaches the log as clean
 * prefixed lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "lib/log.h"
#include "state/tool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int quiet_kmsg(void **state)
{
	log_set_kmsg(false);
	return 0;
}

static void the_exit_status_comes_back(void **state)
{
	char *argv[] = {"/bin/sh", "-c", "exit 3", NULL};
	int status = state_tool_run(argv, 10);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
}

static void an_overrun_is_killed_and_says_so(void **state)
{
	char *argv[] = {"/bin/sh", "-c", "exec sleep 60", NULL};
	errno = 0;
	assert_int_equal(state_tool_run(argv, 1), -1);
	assert_int_equal(errno, ETIMEDOUT);
}

/* Run argv with stderr (the console) captured into buf. */
static void run_captured(char *const argv[], char *buf, size_t len)
{
	char path[] = "/tmp/test_state_tool.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	int saved = dup(2);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	state_tool_run(argv, 10);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	ssize_t n = pread(fd, buf, len - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
}

static void output_lines_reach_the_log_clean_and_prefixed(void **state)
{
	char buf[4096];
	char *argv[] = {"/bin/sh", "-c",
			"printf 'Allocating: 0/8\\b\\b\\bdone   \\nsecond\\n'; echo err >&2", NULL};
	run_captured(argv, buf, sizeof buf);
	assert_non_null(strstr(buf, "state: sh: Allocating: 0/8done\n"));
	assert_non_null(strstr(buf, "state: sh: second\n"));
	assert_non_null(strstr(buf, "state: sh: err\n"));
	assert_null(strchr(buf, '\b'));
}

static void a_missing_tool_is_reported(void **state)
{
	char buf[4096];
	char *argv[] = {"/nonexistent/mke2fs", NULL};
	run_captured(argv, buf, sizeof buf);
	assert_non_null(strstr(buf, "state: mke2fs: exec /nonexistent/mke2fs: No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_exit_status_comes_back),
	    cmocka_unit_test(an_overrun_is_killed_and_says_so),
	    cmocka_unit_test(output_lines_reach_the_log_clean_and_prefixed),
	    cmocka_unit_test(a_missing_tool_is_reported),
	};
	return cmocka_run_group_tests(tests, quiet_kmsg, NULL);
}
