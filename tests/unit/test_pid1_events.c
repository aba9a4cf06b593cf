// clang-format off
// sources: pid1/events.c pid1/signals.c pid1/powerbutton.c pid1/watchdog.c pid1/testfault.c lib/log.c lib/timeline.c
// clang-format on
/* events: PID 1's signals arrive through the signalfd; when it breaks (the
 * test fault clobbers it, as a stray close or dup would), the next wait
 * notices, the set is made again, and no signal is lost; when it cannot be
 * made again (no fd left), signals still arrive, through sigtimedwait(),
 * and the set comes back once fds do. Real signals, real fds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "lib/log.h"
#include "pid1/events.h"
#include "pid1/signals.h"
#include "pid1/testfault.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

static struct events ev;

static int setup(void **state)
{
	(void)state;
	events_open(&ev);
	return ev.degraded ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	if (ev.sfd >= 0)
		close(ev.sfd);
	if (ev.epfd >= 0)
		close(ev.epfd);
	for (int i = 0; i < ev.buttons.count; i++)
		close(ev.buttons.fd[i]);
	return 0;
}

static void expect_signal(int signo)
{
	struct event e = events_next(&ev, 5000);
	assert_int_equal(e.kind, EVENT_SIGNAL);
	assert_int_equal(e.signo, signo);
}

static void signal_then_timeout(void **state)
{
	(void)state;
	raise(SIGUSR2);
	expect_signal(SIGUSR2);
	struct event e = events_next(&ev, 50);
	assert_int_equal(e.kind, EVENT_NONE);
}

static void broken_signalfd_is_made_again(void **state)
{
	(void)state;
	int old_sfd = ev.sfd;
	const struct test_fault fault = {TEST_FAULT_SIGNALFD, 0};
	test_fault_fire(&fault, &ev);
	/* The fds are still open, but are /dev/null now. */
	assert_true(fcntl(old_sfd, F_GETFD) >= 0);
	raise(SIGTERM);
	expect_signal(SIGTERM);
	assert_false(ev.degraded);
	raise(SIGUSR2);
	expect_signal(SIGUSR2);
}

/* The lowest fd number a new fd would get. */
static int lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	close(fd);
	return fd;
}

static void no_fd_left_falls_back_to_sigtimedwait(void **state)
{
	(void)state;
	const struct test_fault fault = {TEST_FAULT_SIGNALFD, 0};
	test_fault_fire(&fault, &ev);
	struct rlimit saved, none;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
	/* Once the broken fds are closed, no new one may be made. */
	int low = lowest_free_fd();
	none = saved;
	none.rlim_cur = (rlim_t)(ev.sfd < ev.epfd ? ev.sfd : ev.epfd);
	if ((int)none.rlim_cur > low)
		none.rlim_cur = (rlim_t)low;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &none), 0);
	raise(SIGTERM);
	expect_signal(SIGTERM);
	assert_true(ev.degraded);
	raise(SIGUSR1);
	expect_signal(SIGUSR1);
	assert_true(ev.degraded);
	/* A timeout still times out. */
	assert_int_equal(events_next(&ev, 100).kind, EVENT_NONE);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);
	raise(SIGUSR2);
	expect_signal(SIGUSR2);
	assert_false(ev.degraded);
	assert_true(ev.sfd >= 0 && ev.epfd >= 0);
}

int main(void)
{
	log_set_kmsg(false);
	signals_block();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(signal_then_timeout, setup, teardown),
	    cmocka_unit_test_setup_teardown(broken_signalfd_is_made_again, setup, teardown),
	    cmocka_unit_test_setup_teardown(no_fd_left_falls_back_to_sigtimedwait, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
