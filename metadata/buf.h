/* buf: a growable byte buffer, and reads with a size cap.
 *
 * Contract: a buf's data is always NUL-terminated (one byte past len), so
 * text can be used as a C string; binary data may hold NULs before len.
 * Every read is bounded: more than `cap` bytes fail with EFBIG, so hostile
 * input never makes us allocate without limit. Functions return 0, or -1
 * with errno set. */
#ifndef STELE_METADATA_BUF_H
#define STELE_METADATA_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT                                                                                   \
	{                                                                                          \
		0                                                                                  \
	}

int buf_append(struct buf *b, const void *data, size_t len);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

/* Read fd to its end into out (appended), failing with EFBIG beyond cap. */
int read_fd_capped(int fd, size_t cap, struct buf *out);
/* openat(dirfd, path, O_RDONLY|O_CLOEXEC|O_NOCTTY) and read_fd_capped. */
int read_file_capped(int dirfd, const char *path, size_t cap, struct buf *out);

/* For files an attacker may have laid out (a cidata volume, /run/config):
 * path is resolved beneath dirfd without following any symlink, must be a
 * regular file (a FIFO would block), and is read with the cap. */
int read_beneath_capped(int dirfd, const char *path, size_t cap, struct buf *out);

#endif
