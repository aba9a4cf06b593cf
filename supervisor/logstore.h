/* logstore: where the output of one log source (a service, containerd,
 * onboot) goes: a bounded ring in memory and a size-rotated file.
 *
 * Contract: the file DIR/NAME.log never grows past max_size; when the next
 * write would pass it, it becomes NAME.log.1 (replacing the previous one)
 * and a new NAME.log starts, so a source uses at most 2 * max_size of disk.
 * A file that cannot be opened is reported once and the ring keeps working:
 * logging never stops a service. A tee gets a copy (it must not block). A
 * reader that follows the log (stelectl logs -f) sets on_append, which
 * logstore_drain() calls once it stored anything. A
 * mirror (logstore_mirror) gets whole lines "NAME: line" (a service with
 * console: true). */
#ifndef STELE_LOGSTORE_H
#define STELE_LOGSTORE_H

#include "lib/output.h"
#include "supervisor/ring.h"

#include <stdbool.h>
#include <sys/types.h>

#define LOGSTORE_RING_SIZE    (64 * 1024)
#define LOGSTORE_MAX_FILE     (1024 * 1024)
#define LOGSTORE_DRAIN_BUDGET (64 * 1024)

struct logstore {
	char name[80];
	char path[512]; /* "" when there is no file */
	struct ring ring;
	int file_fd;
	void (*tee)(const char *data, size_t len); /* NULL, or gets a copy (the console) */
	struct output *mirror;			   /* NULL, or whole lines to a sink */
	off_t size, max_size;
	bool file_error_reported;
	void (*on_append)(void *arg, struct logstore *l);
	void *on_append_arg;
};

/* dir NULL: ring only. Returns 0, or -1 with errno (ENOMEM). */
int logstore_init(struct logstore *l, const char *name, const char *dir, off_t max_size);
void logstore_free(struct logstore *l);
/* From now on, each whole line also goes to sink as "NAME: line".
 * Returns 0, or -1 with errno (ENOMEM). */
int logstore_mirror(struct logstore *l, void (*sink)(const char *line));
void logstore_write(struct logstore *l, const char *data, size_t len);
/* Read fd (non-blocking) until it would block or LOGSTORE_DRAIN_BUDGET
 * bytes were read, storing everything: a source that writes faster than
 * the loop reads gets its share of a wake-up, no more (the watch is
 * level-triggered, so the rest is read at the next turn). Returns 0, or -1
 * when the fd reached end of file or failed (errno set, 0 at EOF). */
int logstore_drain(struct logstore *l, int fd);

#endif
