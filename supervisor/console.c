#include "supervisor/console.h"

#include "lib/log.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static char marker[PATH_MAX];
static bool taken;

void console_init(const char *run_dir)
{
	snprintf(marker, sizeof marker, "%s/console-taken", run_dir);
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

void console_line(const char *line)
{
	if (console_taken()) {
		log_info("%s", line);
		return;
	}
	printf("%s\n", line);
	fflush(stdout);
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
