/* bounded_call: one call that may block on a dead disk (sync(2),
 * umount2(2), a read-only remount), made by a child so that PID 1 waits
 * for it at most a bound. A task stuck in the kernel on a disk that does
 * not answer cannot be killed; a child stuck there blocks only itself.
 *
 * Contract: bounded_call() forks; the child resets its signal state (a
 * fault there must not run PID 1's crash handler), runs fn(arg) and exits
 * with 0, or with the errno fn left when it returned non-zero. The parent
 * waits through wait_pid_timeout() (spawn.h), so it never reaps another
 * child. The outcome:
 *   BOUNDED_DONE       fn returned 0;
 *   BOUNDED_FAILED     fn failed, errno is its errno (EINTR when a signal
 *                      ended the child);
 *   BOUNDED_TIMED_OUT  the child still runs after timeout_ms: it is left
 *                      as it is (the call may still complete when the disk
 *                      answers) for the caller's reaper;
 *   BOUNDED_NO_CHILD   fork or the wait failed (errno): fn may not have
 *                      run, and is never run in the caller instead.
 * libc only; glibc and musl. The child shares the caller's mount
 * namespace and files, so the calls act on the caller's view. */
#ifndef STELE_LIB_BOUNDED_CALL_H
#define STELE_LIB_BOUNDED_CALL_H

#include <stddef.h>

enum bounded_outcome {
	BOUNDED_DONE,
	BOUNDED_FAILED,
	BOUNDED_TIMED_OUT,
	BOUNDED_NO_CHILD,
};

enum bounded_outcome bounded_call(int (*fn)(void *arg), void *arg, int timeout_ms);

/* While a bounded call is waited for, tick() runs about once a second: PID 1
 * pets its watchdog there, so that a slow disk is not taken for a hang.
 * NULL (the default) for none. */
void bounded_call_set_tick(void (*tick)(void));

/* The calls a shutdown makes, each through bounded_call(). */
enum bounded_outcome bounded_sync(int timeout_ms);
enum bounded_outcome bounded_umount(const char *target, int flags, int timeout_ms);
enum bounded_outcome bounded_remount(const char *target, unsigned long flags, int timeout_ms);

/* For a log line, after an outcome other than BOUNDED_DONE and before
 * errno changes: the errno's text, "timed out after N s (the disk does
 * not answer)" or "no child to run it in: REASON". Returns buf. */
const char *bounded_why(enum bounded_outcome outcome, int timeout_ms, char *buf, size_t len);

#endif
