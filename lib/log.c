#include "lib/log.h"

#include "lib/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

static const char *log_prog = "stele";
static enum log_level log_threshold = LOG_INFO;
static bool log_to_console = true;
static enum log_level console_threshold = LOG_DEBUG;
static bool log_to_kmsg = true;
static int kmsg_fd = -1;
static bool log_host = false;

void log_init(const char *prog)
{
	log_prog = prog;
}

void log_init_host(const char *prog)
{
	log_prog = prog;
	log_host = true;
	log_to_kmsg = false;
}

void log_set_level(enum log_level level)
{
	log_threshold = level;
}

void log_set_console(bool console)
{
	log_to_console = console;
}

void log_set_console_level(enum log_level level)
{
	console_threshold = level;
}

void log_set_kmsg(bool kmsg)
{
	log_to_kmsg = kmsg;
}

bool log_debug_enabled(void)
{
	return log_threshold >= LOG_DEBUG;
}

/* Opened lazily: /dev may not be mounted yet when the first message comes. */
static int kmsg(void)
{
	if (kmsg_fd < 0 && log_to_kmsg)
		kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	return kmsg_fd;
}

static bool write_quietly(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* A small /proc file's first bytes; false when it cannot be read. */
static bool read_proc(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

/* The kernel prints a /dev/kmsg line on its console itself when the line's
 * level is below console_loglevel (the first number of
 * /proc/sys/kernel/printk), unless it drops the line: with
 * kernel.printk_devkmsg other than "on", writers are rate-limited, silently.
 * When stderr is that console (/dev/console, 5:1) and the kernel prints
 * every level we would print there, our own copy would only show each line
 * twice. It is all or nothing: the kernel writes the console synchronously
 * and our writes go through the tty's buffer, so mixing the two paths
 * would reorder lines. */
static bool kernel_prints_all_we_would(void)
{
	/* Kept from the last good read: at shutdown /proc goes away first. */
	static int console_loglevel = -1;
	static bool unlimited = false;
	struct stat st;
	if (fstat(STDERR_FILENO, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(5, 1))
		return false;
	char buf[32];
	if (read_proc("/proc/sys/kernel/printk", buf, sizeof buf))
		console_loglevel = atoi(buf);
	if (read_proc("/proc/sys/kernel/printk_devkmsg", buf, sizeof buf))
		unlimited = strncmp(buf, "on", 2) == 0;
	enum log_level shown =
	    log_threshold < console_threshold ? log_threshold : console_threshold;
	return unlimited && (int)shown < console_loglevel;
}

/* vsnprintf into buf, returning the length kept (truncated, never < 0). */
static int format_clamped(char *buf, size_t size, const char *fmt, va_list ap)
{
	int len = vsnprintf(buf, size, fmt, ap);
	if (len < 0)
		return 0;
	return (size_t)len >= size ? (int)size - 1 : len;
}

/* A host tool's line: one write, so lines of parallel tools do not mix.
 * Larger than the console's: a builder error may quote long paths. */
static void host_line(enum log_level level, const char *who, const char *fmt, va_list ap)
{
	char text[4096];
	int len = format_clamped(text, sizeof text, fmt, ap);
	char line[4200];
	int n = snprintf(line, sizeof line, "%s%s%s%.*s\n", who ? who : "", who ? ": " : "",
			 level == LOG_WARN ? "warning: " : "", len, text);
	if (n > 0)
		write_quietly(STDERR_FILENO, line,
			      (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

void log_vmsg_as(enum log_level level, const char *who, const char *fmt, va_list ap)
{
	if (level > log_threshold)
		return;
	int saved_errno = errno;
	if (log_host) {
		host_line(level, who, fmt, ap);
		errno = saved_errno;
		return;
	}
	const char *sep = who ? ": " : "";
	if (!who)
		who = "";
	char text[1024];
	int len = format_clamped(text, sizeof text, fmt, ap);

	char line[1200];
	int n;
	bool echoed = false;
	int fd = kmsg();
	if (fd >= 0) {
		n = snprintf(line, sizeof line, "<%d>%s%s%.*s\n", (int)level, who, sep, len, text);
		if (n > 0 &&
		    write_quietly(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1))
			echoed = kernel_prints_all_we_would();
	}
	if (log_to_console && level <= console_threshold && !echoed) {
		double ms = boottime_ms();
		n = snprintf(line, sizeof line, "[%5ld.%06ld] %s%s%.*s\n", (long)(ms / 1000),
			     (long)(ms * 1000) % 1000000, who, sep, len, text);
		if (n > 0)
			write_quietly(STDERR_FILENO, line,
				      (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
	}
	errno = saved_errno;
}

void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	log_vmsg_as(level, log_prog, fmt, ap);
}

void log_msg_as(enum log_level level, const char *who, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vmsg_as(level, who, fmt, ap);
	va_end(ap);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}
