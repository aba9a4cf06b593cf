/* output: what a container prints, to its log file and to the console.
 * stele-onboot uses it for onboot containers, the supervisor for the
 * console copy of a service with console: true.
 *
 * Contract: the log file gets every byte as it comes. The console (when
 * console_fd >= 0, or through sink when one is set) gets whole lines,
 * each prefixed "NAME: "; a line longer
 * than the buffer is cut and continued on the next console line, and a
 * last line without a newline is completed by output_flush(). Write errors
 * are ignored: a full disk or a closed console must not stop boot.
 * The log file is capped at OUTPUT_LOG_MAX bytes, because it lives in /run
 * (memory): past the cap one line says so and the rest goes to the console
 * only. */
#ifndef STELE_LIB_OUTPUT_H
#define STELE_LIB_OUTPUT_H

#include <stddef.h>

#define OUTPUT_LINE_MAX 1024
#define OUTPUT_LOG_MAX	(1024 * 1024)

struct output {
	int log_fd;	  /* -1: no log */
	int console_fd;	  /* -1: not on the console */
	size_t log_bytes; /* written to log_fd so far */
	/* Instead of console_fd: called with each "NAME: line", no newline. */
	void (*sink)(const char *line);
	char prefix[80];
	char line[OUTPUT_LINE_MAX];
	size_t used;
};

void output_init(struct output *o, int log_fd, int console_fd, const char *name);
void output_feed(struct output *o, const char *data, size_t len);
void output_flush(struct output *o);

/* Read what fd holds now (it must be non-blocking) and feed it. Returns 1
 * while the fd stays open, 0 at end of file. */
int output_pump(struct output *o, int fd);

#endif
