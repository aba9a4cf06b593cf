#include "pid1/crash.h"

#include "lib/log.h"
#include "pid1/watchdog.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SYNC_POLL_MS 50

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};
static volatile sig_atomic_t crash_action = CRASH_FREEZE;
/* Only touched when a crash happens: costs no memory before. */
static char alt_stack[32 * 1024];

/* Async-signal-safe formatting: no stdio in here. */
static size_t append(char *buf, size_t at, size_t len, const char *text)
{
	while (*text && at + 1 < len)
		buf[at++] = *text++;
	return at;
}

static size_t append_number(char *buf, size_t at, size_t len, int n)
{
	char digits[12];
	int i = 0;
	do
		digits[i++] = (char)('0' + n % 10);
	while ((n /= 10) && i < (int)sizeof digits);
	while (i > 0 && at + 1 < len)
		buf[at++] = digits[--i];
	return at;
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGSEGV:
		return "SIGSEGV";
	case SIGBUS:
		return "SIGBUS";
	case SIGABRT:
		return "SIGABRT";
	case SIGFPE:
		return "SIGFPE";
	case SIGILL:
		return "SIGILL";
	}
	return "?";
}

static void say(int sig)
{
	char line[128];
	size_t n = append(line, 0, sizeof line, "stele: PID 1 crashed: signal ");
	n = append_number(line, n, sizeof line, sig);
	n = append(line, n, sizeof line, " (");
	n = append(line, n, sizeof line, signal_name(sig));
	n = append(line, n, sizeof line,
		   crash_action == CRASH_REBOOT ? "); rebooting\n" : "); freezing\n");
	if (write(STDERR_FILENO, line, n) < 0) {
		/* nowhere else to say it; the kernel log below may work */
	}
	int kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (kmsg >= 0) {
		if (write(kmsg, line, n) < 0) {
			/* best effort: the console line went out already */
		}
		close(kmsg);
	}
}

/* sync(2) in a child, waited for at most CRASH_SYNC_TIMEOUT_MS: a disk
 * that hangs must not keep the crash action from running. Polling
 * waitpid() with nanosleep() is all a signal handler may do; the raw fork
 * skips libc's atfork work. When fork fails, PID 1 syncs itself. */
static void sync_bounded_from_handler(void)
{
	pid_t pid = (pid_t)syscall(SYS_fork);
	if (pid == 0) {
		sync();
		_exit(0);
	}
	if (pid < 0) {
		sync();
		return;
	}
	const struct timespec step = {0, SYNC_POLL_MS * 1000000L};
	for (int waited = 0; waited < CRASH_SYNC_TIMEOUT_MS; waited += SYNC_POLL_MS) {
		int status;
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return;
		watchdog_pet();
		nanosleep(&step, NULL);
	}
	static const char late[] = "stele: sync did not finish in time: going on\n";
	if (write(STDERR_FILENO, late, sizeof late - 1) < 0) {
		/* nowhere else to say it */
	}
}

static void on_crash(int sig)
{
	say(sig);
	sync_bounded_from_handler();
	/* From a child: the kernel may end the caller of reboot(2), and that
	 * must not be PID 1 (power.h). */
	if (crash_action == CRASH_REBOOT && syscall(SYS_fork) == 0) {
		reboot(RB_AUTOBOOT);
		_exit(1);
	}
	for (;;)
		pause();
}

const char *crash_action_name(enum crash_action action)
{
	return action == CRASH_REBOOT ? "reboot" : "freeze";
}

void crash_install(enum crash_action action)
{
	crash_action = action;
	stack_t ss = {.ss_sp = alt_stack, .ss_size = sizeof alt_stack};
	/* Without it only a stack overflow goes uncaught: report, go on. */
	if (sigaltstack(&ss, NULL) < 0)
		log_err("crash handler: sigaltstack: %s", strerror(errno));
	struct sigaction sa = {.sa_handler = on_crash, .sa_flags = SA_ONSTACK};
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof fatal_signals / sizeof *fatal_signals; i++)
		if (sigaction(fatal_signals[i], &sa, NULL) < 0)
			log_err("crash handler for signal %d: %s", fatal_signals[i],
				strerror(errno));
}
