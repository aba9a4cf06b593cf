#include "containerd/grpc.h"

#include "containerd/ctrd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint8_t *grpc_frame_pack(const ProtobufCMessage *msg, size_t *len)
{
	size_t body = protobuf_c_message_get_packed_size(msg);
	uint8_t *buf = malloc(GRPC_PREFIX_LEN + body);
	if (!buf)
		return NULL;
	buf[0] = 0; /* not compressed */
	buf[1] = (uint8_t)(body >> 24);
	buf[2] = (uint8_t)(body >> 16);
	buf[3] = (uint8_t)(body >> 8);
	buf[4] = (uint8_t)body;
	protobuf_c_message_pack(msg, buf + GRPC_PREFIX_LEN);
	*len = GRPC_PREFIX_LEN + body;
	return buf;
}

/* Drop the bytes already taken, so that a long-lived stream (the event
 * subscription) does not grow its buffer forever. */
static void reader_compact(struct grpc_reader *r)
{
	if (r->off == 0)
		return;
	memmove(r->buf, r->buf + r->off, r->len - r->off);
	r->len -= r->off;
	r->off = 0;
}

int grpc_reader_feed(struct grpc_reader *r, const uint8_t *data, size_t len)
{
	reader_compact(r);
	if (r->len + len > GRPC_MAX_MESSAGE + GRPC_PREFIX_LEN) {
		errno = EMSGSIZE;
		return -1;
	}
	if (r->len + len > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;
		while (cap < r->len + len)
			cap *= 2;
		uint8_t *grown = realloc(r->buf, cap);
		if (!grown)
			return -1;
		r->buf = grown;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, data, len);
	r->len += len;
	return 0;
}

int grpc_reader_next(struct grpc_reader *r, const uint8_t **msg, size_t *len)
{
	size_t avail = r->len - r->off;
	if (avail < GRPC_PREFIX_LEN)
		return 0;
	const uint8_t *p = r->buf + r->off;
	uint32_t body = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
	if (p[0] != 0) {
		errno = EPROTO; /* we never offer grpc-accept-encoding */
		return -1;
	}
	if (body > GRPC_MAX_MESSAGE) {
		errno = EMSGSIZE;
		return -1;
	}
	if (avail - GRPC_PREFIX_LEN < body)
		return 0;
	*msg = p + GRPC_PREFIX_LEN;
	*len = body;
	r->off += GRPC_PREFIX_LEN + body;
	return 1;
}

bool grpc_reader_partial(const struct grpc_reader *r)
{
	return r->len > r->off;
}

void grpc_reader_free(struct grpc_reader *r)
{
	free(r->buf);
	*r = (struct grpc_reader){0};
}

void grpc_timeout_format(int timeout_ms, char *buf, size_t len)
{
	if (timeout_ms < 0)
		timeout_ms = 0;
	if (timeout_ms <= 99999999)
		snprintf(buf, len, "%dm", timeout_ms);
	else if (timeout_ms / 1000 <= 99999999)
		snprintf(buf, len, "%dS", timeout_ms / 1000);
	else
		snprintf(buf, len, "%dH", timeout_ms / 3600000);
}

int grpc_status_parse(const char *value, size_t len)
{
	if (len == 0 || len > 9)
		return -1;
	int status = 0;
	for (size_t i = 0; i < len; i++) {
		if (value[i] < '0' || value[i] > '9')
			return -1;
		status = status * 10 + (value[i] - '0');
	}
	return status;
}

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

void grpc_message_decode(const char *value, size_t len, char *buf, size_t buflen)
{
	if (buflen == 0)
		return;
	size_t out = 0;
	for (size_t i = 0; i < len && out + 1 < buflen; i++) {
		int hi, lo;
		if (value[i] == '%' && i + 2 < len && (hi = hex_value(value[i + 1])) >= 0 &&
		    (lo = hex_value(value[i + 2])) >= 0) {
			char ch = (char)(hi << 4 | lo);
			/* one line: a newline inside a message would split a log line */
			buf[out++] = (ch == '\n' || ch == '\r') ? ' ' : ch;
			i += 2;
		} else {
			buf[out++] = value[i];
		}
	}
	buf[out] = '\0';
}

/* gRPC's mapping of HTTP statuses to codes (doc/http-grpc-status-mapping.md). */
static int http_to_grpc(int http_status)
{
	switch (http_status) {
	case 400:
		return CTRD_INTERNAL;
	case 401:
		return 16; /* UNAUTHENTICATED */
	case 403:
		return 7; /* PERMISSION_DENIED */
	case 404:
		return 12; /* UNIMPLEMENTED */
	case 429:
	case 502:
	case 503:
	case 504:
		return CTRD_UNAVAILABLE;
	default:
		return CTRD_UNKNOWN;
	}
}

int grpc_outcome_status(const struct grpc_outcome *o, char *msg, size_t msglen)
{
	if (o->grpc_status >= 0) {
		/* A status is authoritative even after a reset (a NO_ERROR RST
		 * follows many complete answers). */
		if (o->grpc_status == CTRD_OK && o->body_incomplete) {
			snprintf(msg, msglen, "answer ended inside a message");
			return CTRD_INTERNAL;
		}
		snprintf(msg, msglen, "%s",
			 o->grpc_status == CTRD_OK ? ""
			 : o->message		   ? o->message
						   : "");
		return o->grpc_status;
	}
	if (o->reset_code != 0) {
		snprintf(msg, msglen, "stream reset by containerd (HTTP/2 error %u)",
			 o->reset_code);
		return CTRD_UNAVAILABLE;
	}
	if (o->http_status != 0 && o->http_status != 200) {
		snprintf(msg, msglen, "HTTP status %d from containerd", o->http_status);
		return http_to_grpc(o->http_status);
	}
	snprintf(msg, msglen, "answer without grpc-status");
	return CTRD_UNKNOWN;
}

const char *ctrd_code_name(int grpc_status)
{
	static const char *const names[] = {
	    "OK",
	    "CANCELLED",
	    "UNKNOWN",
	    "INVALID_ARGUMENT",
	    "DEADLINE_EXCEEDED",
	    "NOT_FOUND",
	    "ALREADY_EXISTS",
	    "PERMISSION_DENIED",
	    "RESOURCE_EXHAUSTED",
	    "FAILED_PRECONDITION",
	    "ABORTED",
	    "OUT_OF_RANGE",
	    "UNIMPLEMENTED",
	    "INTERNAL",
	    "UNAVAILABLE",
	    "DATA_LOSS",
	    "UNAUTHENTICATED",
	};
	if (grpc_status < 0 || (size_t)grpc_status >= sizeof names / sizeof names[0])
		return "INVALID_STATUS";
	return names[grpc_status];
}
