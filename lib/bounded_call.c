#include "lib/bounded_call.h"

#include "lib/spawn.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

/* errno travels back as the exit code, which holds 1..255. */
static int exit_code_of(int err)
{
	return err > 0 && err < 256 ? err : EIO;
}

#define TICK_MS 1000

static void (*waiting_tick)(void);

void bounded_call_set_tick(void (*tick)(void))
{
	waiting_tick = tick;
}

/* wait_pid_timeout() in steps of TICK_MS, ticking between them. */
static int wait_ticking(pid_t pid, int timeout_ms, int *status)
{
	for (int waited = 0;; waited += TICK_MS) {
		if (waiting_tick)
			waiting_tick();
		int step = timeout_ms - waited < TICK_MS ? timeout_ms - waited : TICK_MS;
		int r = wait_pid_timeout(pid, step, status);
		if (r != 1 || waited + step >= timeout_ms)
			return r;
	}
}

enum bounded_outcome bounded_call(int (*fn)(void *arg), void *arg, int timeout_ms)
{
	pid_t pid = fork();
	if (pid < 0)
		return BOUNDED_NO_CHILD;
	if (pid == 0) {
		child_reset_signals();
		_exit(fn(arg) == 0 ? 0 : exit_code_of(errno));
	}
	int status = 0;
	int waited = wait_ticking(pid, timeout_ms, &status);
	if (waited == 1) {
		errno = ETIMEDOUT;
		return BOUNDED_TIMED_OUT;
	}
	if (waited < 0)
		return BOUNDED_NO_CHILD;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return BOUNDED_DONE;
	errno = WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
	return BOUNDED_FAILED;
}

static int do_sync(void *unused)
{
	(void)unused;
	sync();
	return 0;
}

enum bounded_outcome bounded_sync(int timeout_ms)
{
	return bounded_call(do_sync, NULL, timeout_ms);
}

struct umount_args {
	const char *target;
	int flags;
};

static int do_umount(void *arg)
{
	const struct umount_args *a = arg;
	return umount2(a->target, a->flags);
}

enum bounded_outcome bounded_umount(const char *target, int flags, int timeout_ms)
{
	struct umount_args a = {target, flags};
	return bounded_call(do_umount, &a, timeout_ms);
}

struct remount_args {
	const char *target;
	unsigned long flags;
};

static int do_remount(void *arg)
{
	const struct remount_args *a = arg;
	return mount(NULL, a->target, NULL, a->flags, NULL);
}

enum bounded_outcome bounded_remount(const char *target, unsigned long flags, int timeout_ms)
{
	struct remount_args a = {target, flags};
	return bounded_call(do_remount, &a, timeout_ms);
}

const char *bounded_why(enum bounded_outcome outcome, int timeout_ms, char *buf, size_t len)
{
	int err = errno;
	if (outcome == BOUNDED_TIMED_OUT)
		snprintf(buf, len, "timed out after %d s (the disk does not answer)",
			 timeout_ms / 1000);
	else if (outcome == BOUNDED_NO_CHILD)
		snprintf(buf, len, "no child to run it in: %s", strerror(err));
	else
		snprintf(buf, len, "%s", strerror(err));
	return buf;
}
