/* call: one gRPC call on one HTTP/2 stream of a struct ctrd (conn.c).
 *
 * The typed calls (calls.c, events.c) build a request message and hand it
 * to call_start() with a decoder for the answer; conn.c frames it, sends
 * it, gathers headers, data and trailers, and, once the stream has closed,
 * runs the decoder and the caller's callback outside of nghttp2. */
#ifndef STELE_CTRD_CALL_H
#define STELE_CTRD_CALL_H

#include "containerd/ctrd.h"
#include "containerd/grpc.h"

#include <protobuf-c/protobuf-c.h>

/* What a decoder leaves behind for the callback; freed after it ran. */
struct call_keep {
	ProtobufCMessage *msg; /* unpacked answer */
	void *arrays;	       /* one malloc'd block for result arrays */
};

/* Decode one answer message into res, leaving what it allocated in keep.
 * Returns 0, or -1 and the call ends with CTRD_INTERNAL. */
typedef int call_decode_fn(const uint8_t *msg, size_t len, struct ctrd_result *res,
			   struct call_keep *keep);

/* For server-streaming calls: each message as it arrives. */
typedef void call_message_fn(struct ctrd *c, const uint8_t *msg, size_t len);

struct call_spec {
	const char *path; /* "/containerd.services.tasks.v1.Tasks/Create" */
	const ProtobufCMessage *request;
	call_decode_fn *decode;	 /* NULL: the answer is not read (Empty) */
	call_message_fn *stream; /* non-NULL: server streaming, no deadline */
	ctrd_done_fn *done;
	void *arg;
};

/* Queue the call. Returns 0 or -1 with errno (see ctrd.h). */
int call_start(struct ctrd *c, const struct call_spec *spec);

/* False once the connection is lost or closing. */
bool ctrd_usable(const struct ctrd *c);

/* The namespace of the connection, for filters and checks. */
const char *ctrd_namespace(const struct ctrd *c);

/* Queue an exit for delivery to the subscriber after the current I/O. */
void ctrd_queue_exit(struct ctrd *c, const char *id, uint32_t pid, uint32_t exit_status);

/* The subscription's callbacks (events.c sets them, conn.c runs them). */
struct ctrd_subscriber {
	struct ctrd *c;
	ctrd_exit_fn *on_exit;
	ctrd_done_fn *ended;
	void *arg;
	bool active;
};
struct ctrd_subscriber *ctrd_subscriber(struct ctrd *c);

#endif
