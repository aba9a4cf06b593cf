#include "supervisor/console.h"

#include "lib/clock.h"
#include "lib/log.h"
#include "supervisor/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static char marker[PATH_MAX];
static bool taken;
static unsigned long long dropped_writes, dropped_bytes;
/* What the console has not taken yet, oldest first; out_watch waits for
 * room while there is any. */
static char backlog[CONSOLE_BACKLOG];
static size_t pending;
static struct watch out_watch;

/* A console that does not keep up (a serial line at 9600 baud, a pipe
 * nobody reads) must never stop the loop: fd N gets an open file
 * description of its own, non-blocking, so the O_NONBLOCK reaches no other
 * holder of the console (PID 1, a getty). Regular files never block and a
 * reopen would lose their offset; sockets cannot be reopened: both are left
 * as they are. */
static void make_nonblocking(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))
		return;
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	int nfd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (nfd < 0) {
		log_debug("console: reopening fd %d non-blocking: %s", fd, strerror(errno));
		return;
	}
	if (dup2(nfd, fd) < 0)
		log_debug("console: fd %d: %s", fd, strerror(errno));
	close(nfd);
}

void console_init(const char *run_dir)
{
	snprintf(marker, sizeof marker, "%s/console-taken", run_dir);
	make_nonblocking(STDOUT_FILENO);
	make_nonblocking(STDERR_FILENO);
}

bool console_taken(void)
{
	if (taken)
		return true;
	if (!marker[0] || access(marker, F_OK) != 0)
		return false;
	taken = true;
	log_set_console(false);
	return true;
}

static void count_drop(size_t len)
{
	dropped_writes++;
	dropped_bytes += len;
}

/* Write what the console takes now: the count written, or -1 when it
 * failed for good (no reader, EIO). */
static ssize_t put(const char *data, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(STDOUT_FILENO, data + done, len - done);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		return -1;
	}
	return (ssize_t)done;
}

static void send_backlog(void)
{
	ssize_t n = put(backlog, pending);
	if (n < 0) {
		count_drop(pending);
		pending = 0;
	} else {
		memmove(backlog, backlog + n, pending - (size_t)n);
		pending -= (size_t)n;
	}
	if (!pending)
		loop_del(&out_watch);
}

static void console_writable(struct watch *w, uint32_t events)
{
	(void)w;
	(void)events;
	send_backlog();
}

static void keep(const char *data, size_t len)
{
	size_t room = sizeof backlog - pending;
	size_t n = len < room ? len : room;
	memcpy(backlog + pending, data, n);
	pending += n;
	if (n < len)
		count_drop(len - n);
	if (pending && !out_watch.added &&
	    loop_add(&out_watch, STDOUT_FILENO, EPOLLOUT, console_writable, NULL) < 0) {
		log_debug("console: waiting for room: %s", strerror(errno));
		count_drop(pending);
		pending = 0;
	}
}

void console_write(const char *data, size_t len)
{
	if (pending) { /* after what waits, in order */
		keep(data, len);
		return;
	}
	ssize_t n = put(data, len);
	if (n < 0)
		count_drop(len);
	else if ((size_t)n < len)
		keep(data + n, len - (size_t)n);
}

/* Bytes a tty has taken but not sent yet (a serial line): a poweroff right
 * after our exit would lose them. */
static int tty_queued(void)
{
	int q = 0;
	if (!isatty(STDOUT_FILENO) || ioctl(STDOUT_FILENO, TIOCOUTQ, &q) < 0)
		return 0;
	return q;
}

static void flush_until(double end_ms)
{
	for (;;) {
		if (pending)
			send_backlog();
		double left = end_ms - boottime_ms();
		if ((!pending && tty_queued() == 0) || left <= 0)
			return;
		struct pollfd p = {.fd = STDOUT_FILENO, .events = POLLOUT};
		int ms = left < 20 ? (int)left + 1 : 20;
		if (poll(&p, pending ? 1 : 0, ms) < 0 && errno != EINTR)
			return;
	}
}

void console_flush(int bound_ms)
{
	double end = boottime_ms() + (bound_ms > 0 ? bound_ms : 0);
	flush_until(end);
	if (dropped_bytes) {
		unsigned long long w = dropped_writes, b = dropped_bytes;
		console_failed("the console dropped %llu bytes in %llu writes: it did not keep up",
			       b, w);
		flush_until(end);
	}
	if (pending)
		count_drop(pending);
	pending = 0;
	loop_del(&out_watch);
}

void console_dropped(unsigned long long *writes, unsigned long long *bytes)
{
	*writes = dropped_writes;
	*bytes = dropped_bytes;
}

void console_line(const char *line)
{
	if (console_taken()) {
		log_info("%s", line);
		return;
	}
	char buf[4096];
	int n = snprintf(buf, sizeof buf, "%s\n", line);
	if (n >= (int)sizeof buf) {
		n = (int)sizeof buf;
		buf[n - 1] = '\n';
	}
	if (n > 0)
		console_write(buf, (size_t)n);
}

static void console(const char *tag, const char *fmt, va_list ap)
{
	char text[512], line[600];
	vsnprintf(text, sizeof text, fmt, ap);
	snprintf(line, sizeof line, "%s %s", tag, text);
	console_line(line);
}

void console_ok(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	console("[  OK  ]", fmt, ap);
	va_end(ap);
}

void console_failed(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	console("[FAILED]", fmt, ap);
	va_end(ap);
}
