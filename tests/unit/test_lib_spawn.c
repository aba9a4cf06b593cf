// sources: lib/spawn.c
/* spawn: children get only fds 0-2 and a clean signal state, and bounded
 * waits time out instead of hanging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "lib/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int run_shell(const char *script, char *out, size_t len)
{
	int pipefd[2];
	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
	struct spawn_opts opts = SPAWN_OPTS_DEFAULT;
	opts.stdout_fd = pipefd[1];
	pid_t pid = spawn(argv[0], argv, &opts);
	assert_true(pid > 0);
	close(pipefd[1]);
	ssize_t n = read(pipefd[0], out, len - 1);
	close(pipefd[0]);
	out[n > 0 ? n : 0] = '\0';
	int status;
	assert_int_equal(wait_pid_timeout(pid, 10000, &status), 0);
	return status;
}

static void only_stdio_reaches_the_child(void **state)
{
	/* An fd opened without O_CLOEXEC must still not leak. */
	int leaky = open("/dev/null", O_RDONLY);
	assert_true(leaky > 2);
	char out[256];
	run_shell("ls /proc/self/fd | sort -n | tr '\\n' ' '", out, sizeof out);
	/* 0 1 2 and the fd ls uses to read the directory. */
	assert_string_equal(out, "0 1 2 3 ");
	close(leaky);
}

static void signal_state_is_reset(void **state)
{
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	signal(SIGINT, SIG_IGN);
	char out[256];
	run_shell("grep -E '^(SigBlk|SigIgn)' /proc/self/status | tr -s '\\t\\n' '  '", out,
		  sizeof out);
	assert_string_equal(out, "SigBlk: 0000000000000000 SigIgn: 0000000000000000 ");
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	signal(SIGINT, SIG_DFL);
}

/* PID 1's stdin is the console: a child that asks a question there
 * would wait for ever. Here the parent's stdin is a pipe nobody writes. */
static void stdin_is_dev_null_unless_given(void **state)
{
	int in[2], out[2];
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	int saved = dup(0);
	assert_int_equal(dup2(in[0], 0), 0);
	char *argv[] = {"/bin/sh", "-c", "readlink /proc/self/fd/0; read line; echo \"read: $?\"",
			NULL};
	struct spawn_opts opts = SPAWN_OPTS_DEFAULT;
	opts.stdout_fd = out[1];
	pid_t pid = spawn(argv[0], argv, &opts);
	dup2(saved, 0);
	close(saved);
	close(out[1]);
	assert_true(pid > 0);
	int status;
	int waited = wait_pid_timeout(pid, 10000, &status);
	if (waited != 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	char buf[256];
	ssize_t n = read(out[0], buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(out[0]);
	close(in[0]);
	close(in[1]);
	assert_int_equal(waited, 0);
	assert_string_equal(buf, "/dev/null\nread: 1\n");
}

static void run_bounded_kills_a_hung_child(void **state)
{
	char *argv[] = {"/bin/sleep", "30", NULL};
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	errno = 0;
	assert_int_equal(run_bounded(argv, devnull, 200, 200), -1);
	assert_int_equal(errno, ETIMEDOUT);
	close(devnull);
}

static void run_bounded_returns_the_exit_status(void **state)
{
	char *argv[] = {"/bin/sh", "-c", "exit 3", NULL};
	int status = run_bounded(argv, -1, 5000, 100);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
	char buf[64];
	assert_string_equal(describe_status(status, buf, sizeof buf), "exit 3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(only_stdio_reaches_the_child),
	    cmocka_unit_test(signal_state_is_reset),
	    cmocka_unit_test(stdin_is_dev_null_unless_given),
	    cmocka_unit_test(run_bounded_kills_a_hung_child),
	    cmocka_unit_test(run_bounded_returns_the_exit_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
