// sources: lib/bounded_call.c lib/spawn.c
/* bounded_call: a call that may block runs in a child; its result and
 * errno come back, an overrun comes back as a timeout while the child is
 * left alone, a fault in the child never runs the caller's handler, and
 * unmounts act on the caller's mount namespace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "lib/bounded_call.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int succeeds(void *arg)
{
	(void)arg;
	return 0;
}

static int fails_busy(void *arg)
{
	(void)arg;
	errno = EBUSY;
	return -1;
}

static void the_result_and_errno_come_back(void **state)
{
	assert_int_equal(bounded_call(succeeds, NULL, 5000), BOUNDED_DONE);
	errno = 0;
	assert_int_equal(bounded_call(fails_busy, NULL, 5000), BOUNDED_FAILED);
	assert_int_equal(errno, EBUSY);
	char why[128];
	assert_string_equal(bounded_why(BOUNDED_FAILED, 5000, why, sizeof why), strerror(EBUSY));
}

/* The child tells its pid through the pipe, then hangs as a dead disk would. */
static int hangs(void *arg)
{
	pid_t self = getpid();
	if (write(*(int *)arg, &self, sizeof self) != sizeof self)
		return -1;
	pause();
	return 0;
}

static void an_overrun_times_out_and_the_child_is_left_running(void **state)
{
	int ends[2];
	assert_int_equal(pipe2(ends, O_CLOEXEC), 0);
	errno = 0;
	assert_int_equal(bounded_call(hangs, &ends[1], 300), BOUNDED_TIMED_OUT);
	assert_int_equal(errno, ETIMEDOUT);
	char why[128];
	assert_string_equal(bounded_why(BOUNDED_TIMED_OUT, 30000, why, sizeof why),
			    "timed out after 30 s (the disk does not answer)");
	pid_t child;
	assert_int_equal(read(ends[0], &child, sizeof child), sizeof child);
	assert_int_equal(kill(child, 0), 0); /* still there: not killed, not reaped */
	kill(child, SIGKILL);
	assert_int_equal(waitpid(child, NULL, 0), child);
	close(ends[0]);
	close(ends[1]);
}

static volatile sig_atomic_t handler_ran;
static void on_segv(int sig)
{
	(void)sig;
	handler_ran = 1;
}

static int faults(void *arg)
{
	(void)arg;
	raise(SIGSEGV);
	return 0;
}

static void a_fault_in_the_child_is_not_the_callers(void **state)
{
	/* PID 1's crash handler, as a test sees it: it must not run in the
	 * child, where it would freeze or reboot the host. */
	struct sigaction sa = {.sa_handler = on_segv}, old;
	sigaction(SIGSEGV, &sa, &old);
	errno = 0;
	assert_int_equal(bounded_call(faults, NULL, 5000), BOUNDED_FAILED);
	assert_int_equal(errno, EINTR);
	sigaction(SIGSEGV, &old, NULL);
	assert_int_equal(handler_ran, 0);
}

static void unmounts_act_on_the_callers_namespace(void **state)
{
	if (geteuid() != 0 || unshare(CLONE_NEWNS) < 0) {
		skip();
		return;
	}
	assert_int_equal(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	char dir[] = "/tmp/test_bounded_call.XXXXXX";
	assert_non_null(mkdtemp(dir));
	assert_int_equal(mount("tmpfs", dir, "tmpfs", 0, NULL), 0);
	assert_int_equal(bounded_remount(dir, MS_REMOUNT | MS_RDONLY, 5000), BOUNDED_DONE);
	char file[64];
	snprintf(file, sizeof file, "%s/f", dir);
	assert_int_equal(open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600), -1);
	assert_int_equal(errno, EROFS);
	assert_int_equal(bounded_umount(dir, UMOUNT_NOFOLLOW, 5000), BOUNDED_DONE);
	errno = 0;
	assert_int_equal(bounded_umount(dir, UMOUNT_NOFOLLOW, 5000), BOUNDED_FAILED);
	assert_int_equal(errno, EINVAL); /* not a mount point any more */
	assert_int_equal(bounded_sync(30000), BOUNDED_DONE);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_result_and_errno_come_back),
	    cmocka_unit_test(an_overrun_times_out_and_the_child_is_left_running),
	    cmocka_unit_test(a_fault_in_the_child_is_not_the_callers),
	    cmocka_unit_test(unmounts_act_on_the_callers_namespace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
