/* conn: the HTTP/2 connection, its streams, deadlines, and the deferred
 * delivery of results and exit events.
 *
 * nghttp2 must not be re-entered from its own callbacks, and a user callback
 * may queue calls or inspect the connection, so nghttp2's callbacks only
 * record what happened; results and exits are delivered from
 * deliver_finished() once nghttp2 has returned. */
#include "containerd/call.h"
#include "lib/clock.h"

#include <errno.h>
#include <nghttp2/nghttp2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* containerd passes runc's errors through: they run to several hundred bytes */
#define MESSAGE_MAX 1024

struct call {
	struct ctrd *c;
	struct call *next, *prev; /* in c->live or c->finished */
	int32_t stream_id;
	bool streaming;
	int64_t deadline_ms; /* monotonic; 0: none */
	uint8_t *req;
	size_t req_len, req_off;
	struct grpc_reader body;
	struct grpc_outcome outcome;
	char message[MESSAGE_MAX];
	int local_status; /* -1, or a status decided here (deadline, loss) */
	char local_message[MESSAGE_MAX];
	call_decode_fn *decode;
	call_message_fn *on_message;
	ctrd_done_fn *done;
	void *arg;
};

struct exit_event {
	struct exit_event *next;
	uint32_t pid, exit_status;
	char id[];
};

struct call_list {
	struct call *head, *tail;
};

struct ctrd {
	int fd;
	nghttp2_session *h2;
	char ns[128];
	int timeout_ms;
	bool closing;
	bool broken;
	char error[MESSAGE_MAX];
	struct call_list live, finished;
	struct exit_event *exits, **exits_tail;
	struct ctrd_subscriber sub;
};

static void list_push(struct call_list *l, struct call *call)
{
	call->next = NULL;
	call->prev = l->tail;
	if (l->tail)
		l->tail->next = call;
	else
		l->head = call;
	l->tail = call;
}

static void list_remove(struct call_list *l, struct call *call)
{
	if (call->prev)
		call->prev->next = call->next;
	else
		l->head = call->next;
	if (call->next)
		call->next->prev = call->prev;
	else
		l->tail = call->prev;
	call->next = call->prev = NULL;
}

static void call_free(struct call *call)
{
	grpc_reader_free(&call->body);
	free(call->req);
	free(call);
}

/* Move a live call to the finished list; its stream no longer reaches it. */
static void call_finish(struct call *call)
{
	struct ctrd *c = call->c;
	if (call->stream_id > 0 && c->h2)
		nghttp2_session_set_stream_user_data(c->h2, call->stream_id, NULL);
	list_remove(&c->live, call);
	list_push(&c->finished, call);
}

/* Finish a call with a status decided here rather than by containerd. */
static void call_fail(struct call *call, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void call_fail(struct call *call, int status, const char *fmt, ...)
{
	call->local_status = status;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(call->local_message, sizeof call->local_message, fmt, ap);
	va_end(ap);
	call_finish(call);
}

static void connection_lost(struct ctrd *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void connection_lost(struct ctrd *c, const char *fmt, ...)
{
	if (!c->broken) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->error, sizeof c->error, fmt, ap);
		va_end(ap);
		c->broken = true;
	}
	while (c->live.head)
		call_fail(c->live.head, CTRD_UNAVAILABLE, "connection to containerd lost: %s",
			  c->error);
}

/* --- nghttp2 callbacks: record only --------------------------------- */

static struct call *stream_call(nghttp2_session *h2, int32_t stream_id)
{
	return nghttp2_session_get_stream_user_data(h2, stream_id);
}

static ssize_t on_send(nghttp2_session *h2, const uint8_t *data, size_t len, int flags, void *user)
{
	(void)h2, (void)flags;
	struct ctrd *c = user;
	ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EINTR)
		return NGHTTP2_ERR_WOULDBLOCK;
	connection_lost(c, "send: %s", strerror(errno));
	return NGHTTP2_ERR_CALLBACK_FAILURE;
}

static ssize_t read_request(nghttp2_session *h2, int32_t stream_id, uint8_t *buf, size_t len,
			    uint32_t *flags, nghttp2_data_source *src, void *user)
{
	(void)h2, (void)stream_id, (void)user;
	struct call *call = src->ptr;
	size_t left = call->req_len - call->req_off;
	size_t n = left < len ? left : len;
	memcpy(buf, call->req + call->req_off, n);
	call->req_off += n;
	if (call->req_off == call->req_len)
		*flags |= NGHTTP2_DATA_FLAG_EOF;
	return (ssize_t)n;
}

static bool header_is(const uint8_t *name, size_t namelen, const char *want)
{
	return namelen == strlen(want) && memcmp(name, want, namelen) == 0;
}

static int on_header(nghttp2_session *h2, const nghttp2_frame *frame, const uint8_t *name,
		     size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags,
		     void *user)
{
	(void)flags, (void)user;
	struct call *call = stream_call(h2, frame->hd.stream_id);
	if (!call)
		return 0;
	if (header_is(name, namelen, ":status")) {
		call->outcome.http_status = grpc_status_parse((const char *)value, valuelen);
	} else if (header_is(name, namelen, "grpc-status")) {
		call->outcome.grpc_status = grpc_status_parse((const char *)value, valuelen);
		if (call->outcome.grpc_status < 0)
			call->outcome.grpc_status = CTRD_UNKNOWN;
	} else if (header_is(name, namelen, "grpc-message")) {
		grpc_message_decode((const char *)value, valuelen, call->message,
				    sizeof call->message);
		call->outcome.message = call->message;
	}
	return 0;
}

/* Hand each complete message of a streaming call to its handler now:
 * the subscription never ends on its own. */
static void drain_stream_messages(struct ctrd *c, struct call *call)
{
	const uint8_t *msg;
	size_t len;
	int got;
	while ((got = grpc_reader_next(&call->body, &msg, &len)) > 0)
		call->on_message(c, msg, len);
	if (got < 0)
		call_fail(call, CTRD_INTERNAL, "unreadable event stream: %s", strerror(errno));
}

static int on_data(nghttp2_session *h2, uint8_t flags, int32_t stream_id, const uint8_t *data,
		   size_t len, void *user)
{
	(void)flags;
	struct ctrd *c = user;
	struct call *call = stream_call(h2, stream_id);
	if (!call)
		return 0;
	if (grpc_reader_feed(&call->body, data, len) < 0) {
		call_fail(call, CTRD_RESOURCE_EXHAUSTED, "answer too large: %s", strerror(errno));
		nghttp2_submit_rst_stream(h2, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_CANCEL);
		return 0;
	}
	if (call->on_message)
		drain_stream_messages(c, call);
	return 0;
}

static int on_stream_close(nghttp2_session *h2, int32_t stream_id, uint32_t error_code, void *user)
{
	(void)user;
	struct call *call = stream_call(h2, stream_id);
	if (!call)
		return 0;
	call->outcome.reset_code = error_code;
	call_finish(call);
	return 0;
}

static nghttp2_session *session_new(struct ctrd *c)
{
	nghttp2_session_callbacks *cbs;
	if (nghttp2_session_callbacks_new(&cbs) != 0)
		return NULL;
	nghttp2_session_callbacks_set_send_callback(cbs, on_send);
	nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data);
	nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_stream_close);
	nghttp2_session *h2 = NULL;
	int rv = nghttp2_session_client_new(&h2, cbs, c);
	nghttp2_session_callbacks_del(cbs);
	if (rv != 0)
		return NULL;
	nghttp2_settings_entry settings[] = {
	    {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
	    {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1u << 20},
	};
	if (nghttp2_submit_settings(h2, NGHTTP2_FLAG_NONE, settings, 2) != 0) {
		nghttp2_session_del(h2);
		return NULL;
	}
	return h2;
}

/* --- connection ----------------------------------------------------- */

struct ctrd *ctrd_connect(const char *sock, const char *ns)
{
	sock = sock ? sock : CTRD_SOCKET;
	ns = ns ? ns : CTRD_NAMESPACE;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(sock) >= sizeof addr.sun_path) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	struct ctrd *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	if (ns[0] == '\0' || strlen(ns) >= sizeof c->ns) {
		free(c);
		errno = EINVAL;
		return NULL;
	}
	strcpy(c->ns, ns);
	strcpy(addr.sun_path, sock);
	c->timeout_ms = 30000;
	c->exits_tail = &c->exits;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		free(c);
		return NULL;
	}
	if (connect(c->fd, (struct sockaddr *)&addr, sizeof addr) < 0 ||
	    !(c->h2 = session_new(c))) {
		int saved = errno ? errno : ENOMEM;
		close(c->fd);
		free(c);
		errno = saved;
		return NULL;
	}
	return c;
}

int ctrd_fd(const struct ctrd *c)
{
	return c->fd;
}

const char *ctrd_namespace(const struct ctrd *c)
{
	return c->ns;
}

bool ctrd_usable(const struct ctrd *c)
{
	return !c->broken && !c->closing;
}

const char *ctrd_error(const struct ctrd *c)
{
	return c->error;
}

struct ctrd_subscriber *ctrd_subscriber(struct ctrd *c)
{
	return &c->sub;
}

void ctrd_set_timeout(struct ctrd *c, int timeout_ms)
{
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
}

/* A finished call not yet delivered also wants the loop to come back:
 * EPOLLOUT on a connected socket is ready at once. */
bool ctrd_wants_write(const struct ctrd *c)
{
	if (c->finished.head || c->exits)
		return true;
	return !c->broken && nghttp2_session_want_write(c->h2);
}

size_t ctrd_pending(const struct ctrd *c)
{
	size_t n = 0;
	for (const struct call *call = c->live.head; call; call = call->next)
		n += !call->streaming;
	for (const struct call *call = c->finished.head; call; call = call->next)
		n += !call->streaming;
	return n;
}

int ctrd_next_timeout_ms(const struct ctrd *c)
{
	if (c->finished.head || c->exits)
		return 0;
	int64_t earliest = 0;
	for (const struct call *call = c->live.head; call; call = call->next)
		if (call->deadline_ms && (!earliest || call->deadline_ms < earliest))
			earliest = call->deadline_ms;
	if (!earliest)
		return -1;
	int64_t left = earliest - boottime_ms_int();
	return left < 0 ? 0 : left > 1000000000 ? 1000000000 : (int)left;
}

int call_start(struct ctrd *c, const struct call_spec *spec)
{
	if (c->broken || c->closing) {
		errno = ENOTCONN;
		return -1;
	}
	struct call *call = calloc(1, sizeof *call);
	if (!call)
		return -1;
	*call = (struct call){.c = c,
			      .streaming = spec->stream != NULL,
			      .local_status = -1,
			      .decode = spec->decode,
			      .on_message = spec->stream,
			      .done = spec->done,
			      .arg = spec->arg};
	call->outcome.grpc_status = -1;
	call->req = grpc_frame_pack(spec->request, &call->req_len);
	if (!call->req) {
		free(call);
		return -1;
	}
	char timeout[16] = "";
	if (!call->streaming && c->timeout_ms) {
		grpc_timeout_format(c->timeout_ms, timeout, sizeof timeout);
		call->deadline_ms = boottime_ms_int() + c->timeout_ms;
	}
#define NV(n, v) {(uint8_t *)(n), (uint8_t *)(v), strlen(n), strlen(v), NGHTTP2_NV_FLAG_NONE}
	nghttp2_nv hdrs[] = {
	    NV(":method", "POST"),
	    NV(":scheme", "http"),
	    NV(":path", spec->path),
	    NV(":authority", "containerd"),
	    NV("content-type", "application/grpc"),
	    NV("te", "trailers"),
	    NV("user-agent", "stele-ctrd"),
	    NV("containerd-namespace", c->ns),
	    NV("grpc-timeout", timeout),
	};
#undef NV
	size_t nhdrs = sizeof hdrs / sizeof hdrs[0] - (timeout[0] ? 0 : 1);
	nghttp2_data_provider body = {.source.ptr = call, .read_callback = read_request};
	call->stream_id = nghttp2_submit_request(c->h2, NULL, hdrs, nhdrs, &body, call);
	if (call->stream_id < 0) {
		errno = call->stream_id == NGHTTP2_ERR_NOMEM ? ENOMEM : ENOTCONN;
		call_free(call);
		return -1;
	}
	list_push(&c->live, call);
	return 0;
}

void ctrd_queue_exit(struct ctrd *c, const char *id, uint32_t pid, uint32_t exit_status)
{
	size_t len = strlen(id);
	struct exit_event *ev = malloc(sizeof *ev + len + 1);
	if (!ev) {
		/* Losing an exit would leave a service "running" forever:
		 * better to end the connection and let the caller resync. */
		connection_lost(c, "out of memory queuing the exit of %s", id);
		return;
	}
	ev->next = NULL;
	ev->pid = pid;
	ev->exit_status = exit_status;
	memcpy(ev->id, id, len + 1);
	*c->exits_tail = ev;
	c->exits_tail = &ev->next;
}

/* --- I/O and delivery ---------------------------------------------- */

static void read_available(struct ctrd *c)
{
	uint8_t buf[16384];
	/* Bounded so one busy connection cannot starve the caller's loop;
	 * epoll is level-triggered and calls again for the rest. */
	for (int round = 0; round < 64 && !c->broken; round++) {
		ssize_t n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			connection_lost(c, "recv: %s", strerror(errno));
			return;
		}
		if (n == 0) {
			connection_lost(c, "containerd closed the connection");
			return;
		}
		ssize_t rv = nghttp2_session_mem_recv(c->h2, buf, (size_t)n);
		if (rv < 0)
			connection_lost(c, "HTTP/2: %s", nghttp2_strerror((int)rv));
	}
}

static void expire_deadlines(struct ctrd *c)
{
	int64_t now = boottime_ms_int();
	struct call *next;
	for (struct call *call = c->live.head; call; call = next) {
		next = call->next;
		if (!call->deadline_ms || call->deadline_ms > now)
			continue;
		nghttp2_submit_rst_stream(c->h2, NGHTTP2_FLAG_NONE, call->stream_id,
					  NGHTTP2_CANCEL);
		call_fail(call, CTRD_DEADLINE_EXCEEDED, "no answer from containerd within %d ms",
			  c->timeout_ms);
	}
}

static void flush(struct ctrd *c)
{
	if (c->broken)
		return;
	int rv = nghttp2_session_send(c->h2);
	if (rv != 0)
		connection_lost(c, "HTTP/2 send: %s", nghttp2_strerror(rv));
	else if (!nghttp2_session_want_read(c->h2) && !nghttp2_session_want_write(c->h2))
		connection_lost(c, "containerd ended the HTTP/2 session");
}

static void deliver_call(struct call *call)
{
	struct ctrd_result res = {0};
	struct call_keep keep = {0};
	char message[MESSAGE_MAX];
	const uint8_t *msg = NULL;
	size_t len = 0;
	int got = 0;

	if (call->local_status >= 0) {
		res.grpc_status = call->local_status;
		snprintf(message, sizeof message, "%s", call->local_message);
	} else {
		if (!call->streaming)
			got = grpc_reader_next(&call->body, &msg, &len);
		call->outcome.body_incomplete = got < 0 || grpc_reader_partial(&call->body);
		res.grpc_status = grpc_outcome_status(&call->outcome, message, sizeof message);
		if (res.grpc_status == CTRD_OK && call->decode) {
			if (got != 1) {
				res.grpc_status = CTRD_INTERNAL;
				snprintf(message, sizeof message, "answer without a message");
			} else if (call->decode(msg, len, &res, &keep) < 0) {
				res = (struct ctrd_result){.grpc_status = CTRD_INTERNAL};
				snprintf(message, sizeof message,
					 "cannot decode containerd's answer (%zu bytes)", len);
			}
		}
	}
	res.message = message;
	if (call->done)
		call->done(call->arg, &res);
	if (keep.msg)
		protobuf_c_message_free_unpacked(keep.msg, NULL);
	free(keep.arrays);
}

/* Results first, then exits: a task's start result comes before its exit
 * when both arrived in one read. Callbacks may queue calls; those are
 * sent by the caller's flush. */
static bool deliver_finished(struct ctrd *c)
{
	bool any = false;
	struct call *call;
	while ((call = c->finished.head)) {
		list_remove(&c->finished, call);
		deliver_call(call);
		call_free(call);
		any = true;
	}
	struct exit_event *ev;
	while ((ev = c->exits)) {
		c->exits = ev->next;
		if (!c->exits)
			c->exits_tail = &c->exits;
		if (c->sub.on_exit && !c->closing)
			c->sub.on_exit(c->sub.arg, ev->id, ev->pid, ev->exit_status);
		free(ev);
		any = true;
	}
	return any;
}

int ctrd_process(struct ctrd *c, uint32_t epoll_events)
{
	if (!c->broken && (epoll_events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		read_available(c);
	if (!c->broken)
		expire_deadlines(c);
	do
		flush(c);
	while (deliver_finished(c));
	return c->broken ? -1 : 0;
}

void ctrd_close(struct ctrd *c)
{
	if (!c)
		return;
	c->closing = true;
	while (c->live.head)
		call_fail(c->live.head, CTRD_CANCELLED, "connection to containerd closed");
	deliver_finished(c);
	nghttp2_session_del(c->h2);
	close(c->fd);
	free(c);
}
