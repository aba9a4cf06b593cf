#include "supervisor/ring.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int ring_init(struct ring *r, size_t cap)
{
	r->buf = malloc(cap);
	if (!r->buf) {
		errno = ENOMEM;
		return -1;
	}
	r->cap = cap;
	r->end = 0;
	return 0;
}

void ring_free(struct ring *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = 0;
}

void ring_append(struct ring *r, const char *data, size_t len)
{
	/* Only the newest cap bytes can survive: skip the rest up front. */
	if (len > r->cap) {
		r->end += len - r->cap;
		data += len - r->cap;
		len = r->cap;
	}
	size_t at = (size_t)(r->end % r->cap);
	size_t first = r->cap - at < len ? r->cap - at : len;
	memcpy(r->buf + at, data, first);
	memcpy(r->buf, data + first, len - first);
	r->end += len;
}

uint64_t ring_begin(const struct ring *r)
{
	return r->end > r->cap ? r->end - r->cap : 0;
}

static char ring_byte(const struct ring *r, uint64_t off)
{
	return r->buf[off % r->cap];
}

size_t ring_read(const struct ring *r, uint64_t *from, char *out, size_t len)
{
	if (*from < ring_begin(r))
		*from = ring_begin(r);
	if (*from > r->end)
		*from = r->end;
	size_t n = 0;
	while (n < len && *from + n < r->end) {
		size_t at = (size_t)((*from + n) % r->cap);
		size_t chunk = r->cap - at;
		if (chunk > len - n)
			chunk = len - n;
		if (chunk > r->end - (*from + n))
			chunk = (size_t)(r->end - (*from + n));
		memcpy(out + n, r->buf + at, chunk);
		n += chunk;
	}
	*from += n;
	return n;
}

uint64_t ring_last_lines(const struct ring *r, size_t n)
{
	uint64_t begin = ring_begin(r), off = r->end;
	if (n == 0 || off == begin)
		return off;
	/* A trailing newline ends the last line; it does not start a new one. */
	if (ring_byte(r, off - 1) == '\n')
		off--;
	while (off > begin) {
		if (ring_byte(r, off - 1) == '\n' && --n == 0)
			return off;
		off--;
	}
	return begin;
}

static bool blank(char c)
{
	return c == '\n' || c == '\r' || c == ' ' || c == '\t';
}

size_t ring_last_line(const struct ring *r, uint64_t from, char *out, size_t len)
{
	if (len == 0)
		return 0;
	out[0] = '\0';
	uint64_t begin = from > ring_begin(r) ? from : ring_begin(r), end = r->end;
	while (end > begin && blank(ring_byte(r, end - 1)))
		end--;
	if (end <= begin)
		return 0;
	uint64_t start = end;
	while (start > begin && ring_byte(r, start - 1) != '\n')
		start--;
	size_t n = 0;
	for (uint64_t at = start; at < end && n < len - 1; at++) {
		char c = ring_byte(r, at);
		out[n++] = (unsigned char)c < 0x20 || c == 0x7f ? '?' : c;
	}
	if (end - start > len - 1 && len > 4)
		memcpy(out + len - 4, "...", 3);
	out[n] = '\0';
	return n;
}
