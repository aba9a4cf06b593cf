/* testfault: faults PID 1 injects into itself when told to, for the tests
 * that show what happens then: a crash, a broken signalfd, a hang. They
 * are compiled in always, so the binary tested is the binary shipped, and
 * armed only by the test-only setting `test_fault` (init.conf, or
 * stele.test_fault= on the kernel command line); never set it on a host.
 *
 * Contract: test_fault_parse() accepts
 *   segv       a real invalid memory access in PID 1: the crash action
 *              runs (crash.h)
 *   signalfd   /dev/null is put over the signalfd's and the epoll set's
 *              fds: the next read fails, and events.h must recover
 *   freeze:S   PID 1 blocks S seconds (1-3600) serving nothing: no
 *              reaping, no signals, no watchdog petting
 * and returns 0, or -1 for anything else. An armed fault fires, with one
 * console line, each time PID 1 gets SIGHUP (test_fault_fire). */
#ifndef STELE_PID1_TESTFAULT_H
#define STELE_PID1_TESTFAULT_H

#include "pid1/events.h"

enum test_fault_kind { TEST_FAULT_NONE, TEST_FAULT_SEGV, TEST_FAULT_SIGNALFD, TEST_FAULT_FREEZE };

struct test_fault {
	enum test_fault_kind kind;
	int seconds; /* TEST_FAULT_FREEZE */
};

#define TEST_FAULT_FREEZE_MAX 3600

int test_fault_parse(const char *text, struct test_fault *fault);
void test_fault_fire(const struct test_fault *fault, struct events *ev);

#endif
