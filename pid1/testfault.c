#include "pid1/testfault.h"

#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int test_fault_parse(const char *text, struct test_fault *fault)
{
	*fault = (struct test_fault){TEST_FAULT_NONE, 0};
	if (strcmp(text, "segv") == 0) {
		fault->kind = TEST_FAULT_SEGV;
		return 0;
	}
	if (strcmp(text, "signalfd") == 0) {
		fault->kind = TEST_FAULT_SIGNALFD;
		return 0;
	}
	if (strncmp(text, "freeze:", 7) != 0)
		return -1;
	char *end;
	errno = 0;
	long s = strtol(text + 7, &end, 10);
	if (errno || end == text + 7 || *end || s < 1 || s > TEST_FAULT_FREEZE_MAX)
		return -1;
	fault->kind = TEST_FAULT_FREEZE;
	fault->seconds = (int)s;
	return 0;
}

/* An address the compiler cannot prove invalid, so that this is a real
 * page fault (SIGSEGV), not a trap instruction (SIGILL). */
static volatile uintptr_t invalid_address = 8;

static void segv(void)
{
	log_notice("test fault: SIGSEGV in PID 1");
	*(volatile int *)invalid_address = 1;
}

static void clobber(int fd, int over)
{
	if (fd >= 0 && dup3(over, fd, O_CLOEXEC) < 0)
		log_err("test fault: dup3 over fd %d: %s", fd, strerror(errno));
}

static void break_signalfd(struct events *ev)
{
	log_notice("test fault: the signalfd (fd %d) and epoll set (fd %d) are broken", ev->sfd,
		   ev->epfd);
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull < 0) {
		log_err("test fault: /dev/null: %s", strerror(errno));
		return;
	}
	clobber(ev->sfd, devnull);
	clobber(ev->epfd, devnull);
	close(devnull);
}

static void freeze(int seconds)
{
	log_notice("test fault: PID 1 blocks for %d s, serving nothing", seconds);
	struct timespec left = {seconds, 0};
	while (nanosleep(&left, &left) < 0 && errno == EINTR)
		;
	log_notice("test fault: PID 1 serves again");
}

void test_fault_fire(const struct test_fault *fault, struct events *ev)
{
	switch (fault->kind) {
	case TEST_FAULT_SEGV:
		segv();
		break;
	case TEST_FAULT_SIGNALFD:
		break_signalfd(ev);
		break;
	case TEST_FAULT_FREEZE:
		freeze(fault->seconds);
		break;
	case TEST_FAULT_NONE:
		log_debug("SIGHUP ignored");
		break;
	}
}
