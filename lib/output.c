#include "lib/output.h"
#include "lib/fdio.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

void output_init(struct output *o, int log_fd, int console_fd, const char *name)
{
	o->log_fd = log_fd;
	o->console_fd = console_fd;
	o->sink = NULL;
	snprintf(o->prefix, sizeof o->prefix, "%s: ", name);
	o->used = 0;
	o->log_bytes = 0;
}

static void log_write(struct output *o, const char *data, size_t len)
{
	static const char capped[] = "\n[stele-onboot: log capped at 1 MiB; the rest went to "
				     "the console only]\n";
	if (o->log_fd < 0 || o->log_bytes >= OUTPUT_LOG_MAX)
		return;
	size_t room = OUTPUT_LOG_MAX - o->log_bytes;
	size_t n = len < room ? len : room;
	(void)write_all(o->log_fd, data, n);
	o->log_bytes += n;
	if (o->log_bytes == OUTPUT_LOG_MAX)
		(void)write_all(o->log_fd, capped, sizeof capped - 1);
}

/* One writev, so that the prefix and its line reach the console together. */
static void console_line(struct output *o)
{
	if (o->sink) {
		char line[sizeof o->prefix + OUTPUT_LINE_MAX + 1];
		snprintf(line, sizeof line, "%s%.*s", o->prefix, (int)o->used, o->line);
		o->sink(line);
		return;
	}
	if (o->console_fd < 0)
		return;
	struct iovec iov[] = {
	    {o->prefix, strlen(o->prefix)},
	    {o->line, o->used},
	    {"\n", 1},
	};
	ssize_t n;
	do
		n = writev(o->console_fd, iov, 3);
	while (n < 0 && errno == EINTR);
}

void output_feed(struct output *o, const char *data, size_t len)
{
	/* A full or broken log must not stall the container: the console
	 * still carries its output. */
	log_write(o, data, len);
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n') {
			console_line(o);
			o->used = 0;
			continue;
		}
		if (o->used == sizeof o->line) {
			console_line(o);
			o->used = 0;
		}
		o->line[o->used++] = data[i];
	}
}

void output_flush(struct output *o)
{
	if (o->used > 0)
		console_line(o);
	o->used = 0;
}

int output_pump(struct output *o, int fd)
{
	char buf[4096];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n > 0) {
			output_feed(o, buf, (size_t)n);
			continue;
		}
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		/* EAGAIN: drained for now. Anything else: the pipe is unusable. */
		return errno == EAGAIN ? 1 : 0;
	}
}
