#include "supervisor/console.h"

#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char marker[PATH_MAX];
static bool taken;
static unsigned long long dropped_writes, dropped_bytes;

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

void console_write(const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			dropped_writes++;
			dropped_bytes += len;
			return;
		}
		data += n;
		len -= (size_t)n;
	}
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
