/* grpc: the gRPC-over-HTTP/2 wire rules that do not need a socket.
 *
 * A gRPC message on a stream is a 5-byte prefix (1 byte compressed flag,
 * 4 bytes big-endian length) and the protobuf bytes. A call's status comes
 * in the trailers (or, for a trailers-only answer, in the headers) as
 * grpc-status and a percent-encoded grpc-message. These functions are pure
 * so that the unit tests check them byte by byte. */
#ifndef STELE_CTRD_GRPC_H
#define STELE_CTRD_GRPC_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GRPC_PREFIX_LEN 5
/* Larger messages are refused: containerd's own default limit is 16 MiB. */
#define GRPC_MAX_MESSAGE (16u << 20)

/* Pack msg behind a gRPC prefix into a malloc'd buffer. NULL on ENOMEM. */
uint8_t *grpc_frame_pack(const ProtobufCMessage *msg, size_t *len);

/* Bytes received on one stream, cut into messages as they complete. */
struct grpc_reader {
	uint8_t *buf;
	size_t len, cap;
	size_t off; /* start of the first message not yet taken */
};

/* Append received bytes. Returns 0, or -1 with errno ENOMEM, or EMSGSIZE
 * when what is buffered would exceed GRPC_MAX_MESSAGE plus a prefix. */
int grpc_reader_feed(struct grpc_reader *r, const uint8_t *data, size_t len);

/* Take the next complete message: 1 with msg and len pointing into the reader
 * (valid until the next feed), 0 when none is complete yet, -1 on a frame
 * the client cannot read (compressed, or too large) with errno EPROTO or
 * EMSGSIZE. */
int grpc_reader_next(struct grpc_reader *r, const uint8_t **msg, size_t *len);

/* True when bytes of an incomplete message remain. */
bool grpc_reader_partial(const struct grpc_reader *r);
void grpc_reader_free(struct grpc_reader *r);

/* grpc-timeout value for a deadline in ms: "30000m" (at most 8 digits;
 * longer deadlines are written in seconds or hours). */
void grpc_timeout_format(int timeout_ms, char *buf, size_t len);

/* Parse a grpc-status header value: 0..16 and beyond as the peer sends it;
 * -1 when it is not a decimal number. */
int grpc_status_parse(const char *value, size_t len);

/* Percent-decode a grpc-message value into buf (always NUL-terminated,
 * truncated to fit); malformed escapes are kept as they are. */
void grpc_message_decode(const char *value, size_t len, char *buf, size_t buflen);

/* What one finished stream says, gathered from its headers and trailers. */
struct grpc_outcome {
	int http_status;      /* :status, 0 when none came */
	int grpc_status;      /* -1 when no grpc-status came */
	const char *message;  /* decoded grpc-message, may be NULL */
	uint32_t reset_code;  /* HTTP/2 error code of RST_STREAM/GOAWAY, 0 if none */
	bool body_incomplete; /* bytes of a partial message were left over */
};

/* The gRPC status a caller sees for that stream, with a one-line reason in
 * msg ("" when OK): a reset or an HTTP error maps to UNAVAILABLE/UNKNOWN as
 * gRPC clients do, a missing grpc-status to UNKNOWN. */
int grpc_outcome_status(const struct grpc_outcome *o, char *msg, size_t msglen);

#endif
