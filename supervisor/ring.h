/* ring: a bounded in-memory log of one service, oldest bytes dropped first.
 *
 * Contract: bytes are addressed by their absolute offset since the ring was
 * created (a uint64 that never wraps in practice), so a reader following the
 * log keeps an offset and asks for what came after it; ring_read() clamps an
 * offset that fell out of the window to the oldest byte still held. Nothing
 * here allocates after ring_init(). */
#ifndef STELE_RING_H
#define STELE_RING_H

#include <stddef.h>
#include <stdint.h>

struct ring {
	char *buf;
	size_t cap;
	uint64_t end; /* offset one past the newest byte */
};

/* Returns 0, or -1 with errno ENOMEM. */
int ring_init(struct ring *r, size_t cap);
void ring_free(struct ring *r);

void ring_append(struct ring *r, const char *data, size_t len);

/* Offset of the oldest byte still held. */
uint64_t ring_begin(const struct ring *r);

/* Copy up to len bytes starting at *from into out; advances *from past what
 * was copied (after clamping it into the window). Returns the count. */
size_t ring_read(const struct ring *r, uint64_t *from, char *out, size_t len);

/* Offset where the last n lines start (n = 0: ring end). A partial last line
 * counts as a line. */
uint64_t ring_last_lines(const struct ring *r, size_t n);

/* The last line with something in it among the bytes from offset `from`
 * (clamped into the window) to the end, without its line end, in out
 * (NUL-terminated, at most len - 1 bytes: a longer line is cut and ends in
 * "..."); control characters become '?'. Returns its length, 0 when there
 * is none. */
size_t ring_last_line(const struct ring *r, uint64_t from, char *out, size_t len);

#endif
