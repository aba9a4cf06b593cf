/* ctrd: an asynchronous client for containerd's gRPC API, in C.
 *
 * One struct ctrd is one HTTP/2 connection (nghttp2, prior knowledge, no
 * TLS) to containerd's unix socket, bound to one containerd namespace. Any
 * number of calls run at once over it, each on its own HTTP/2 stream, so a
 * supervisor starts all its services in parallel from a single epoll loop.
 * Messages are protobuf-c code generated at build time from the .proto files
 * in Debian's golang-github-containerd-containerd-dev.
 *
 * Event loop contract:
 *  - Register ctrd_fd() for EPOLLIN, and for EPOLLOUT while
 *    ctrd_wants_write() is true (check it after every ctrd_* call).
 *  - Call ctrd_process() when the fd is ready, and when
 *    ctrd_next_timeout_ms() expires (pass 0 as the events then).
 *  - The fd is non-blocking and O_CLOEXEC; nothing here ever blocks, except
 *    the helpers marked "blocking" at the end.
 *
 * Call contract:
 *  - ctrd_<service>_<method>() queues one call and returns 0, or -1 with
 *    errno (EINVAL: bad argument; ENOTCONN: the connection is lost or
 *    closing; ENOMEM). When it returns 0, its callback runs exactly once,
 *    later, from ctrd_process() or ctrd_close(), never from inside the
 *    queuing function.
 *  - A callback may queue new calls on the same connection (that is how a
 *    create -> start chain is written) but must not call ctrd_close().
 *  - Every pointer in a struct ctrd_result is valid only while the callback
 *    runs; copy what you keep.
 *  - Unary calls have a deadline (ctrd_set_timeout, default 30 s), sent to
 *    containerd as grpc-timeout and enforced locally: a call past it ends
 *    with CTRD_DEADLINE_EXCEEDED.
 *  - When the connection is lost, every pending call ends with
 *    CTRD_UNAVAILABLE and ctrd_process() returns -1; the caller then closes
 *    it and reconnects. ctrd_close() ends pending calls with CTRD_CANCELLED.
 *
 * Containers are created with runtime io.containerd.runc.v2 and no
 * snapshotter: the spec's root.path must be absolute (ctrd_bundle_spec()
 * makes a bundle's config.json so).
 *
 * Nothing here executes ctr or any other program. */
#ifndef STELE_CTRD_H
#define STELE_CTRD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CTRD_SOCKET	   "/run/containerd/containerd.sock"
#define CTRD_NAMESPACE	   "stele"
#define CTRD_RUNTIME	   "io.containerd.runc.v2"
#define CTRD_SPEC_TYPE_URL "types.containerd.io/opencontainers/runtime-spec/1/Spec"

/* gRPC status codes (grpc/doc/statuscodes.md) seen by callers. */
enum ctrd_code {
	CTRD_OK = 0,
	CTRD_CANCELLED = 1,
	CTRD_UNKNOWN = 2,
	CTRD_INVALID_ARGUMENT = 3,
	CTRD_DEADLINE_EXCEEDED = 4,
	CTRD_NOT_FOUND = 5,
	CTRD_ALREADY_EXISTS = 6,
	CTRD_RESOURCE_EXHAUSTED = 8,
	CTRD_FAILED_PRECONDITION = 9,
	CTRD_INTERNAL = 13,
	CTRD_UNAVAILABLE = 14, /* also: connection lost, stream reset */
};

/* containerd.v1.types.Status */
enum ctrd_task_status {
	CTRD_TASK_UNKNOWN = 0,
	CTRD_TASK_CREATED = 1,
	CTRD_TASK_RUNNING = 2,
	CTRD_TASK_STOPPED = 3,
	CTRD_TASK_PAUSED = 4,
	CTRD_TASK_PAUSING = 5,
};

struct ctrd_task_info {
	const char *id; /* container id */
	uint32_t pid;
	enum ctrd_task_status status;
	uint32_t exit_status; /* meaningful when STOPPED */
};

struct ctrd_container_info {
	const char *id;
	const char *runtime;
	/* NULL-terminated "key=value" strings, in containerd's order. */
	const char *const *labels;
};

struct ctrd_result {
	int grpc_status;      /* enum ctrd_code; 0 is success */
	const char *message;  /* grpc-message or a local reason; "" on success */
	uint32_t pid;	      /* task_create, task_start, task_delete */
	uint32_t exit_status; /* task_delete */
	size_t n_tasks;	      /* task_list */
	const struct ctrd_task_info *tasks;
	size_t n_containers; /* container_list */
	const struct ctrd_container_info *containers;
	const char *version; /* version: containerd's version string */
};

typedef void ctrd_done_fn(void *arg, const struct ctrd_result *res);

/* An exit of a task's init process (TaskExit with id == container_id).
 * exit_status is the wait status as containerd reports it: the exit code,
 * or 128+N for a death by signal N. */
typedef void ctrd_exit_fn(void *arg, const char *id, uint32_t pid, uint32_t exit_status);

struct ctrd;

/* Connect to the unix socket sock (NULL: CTRD_SOCKET) for namespace ns
 * (NULL: CTRD_NAMESPACE). The connect itself is immediate (a unix socket);
 * it fails with the socket's errno (ENOENT, ECONNREFUSED) when containerd
 * is not listening yet. Returns NULL with errno on failure. */
struct ctrd *ctrd_connect(const char *sock, const char *ns);

/* Pending calls end with CTRD_CANCELLED, then the connection is freed.
 * NULL is accepted. */
void ctrd_close(struct ctrd *c);

int ctrd_fd(const struct ctrd *c);
bool ctrd_wants_write(const struct ctrd *c);

/* Milliseconds until the earliest call deadline, or -1 when none: use it as
 * (or bound by it) the epoll_wait timeout. */
int ctrd_next_timeout_ms(const struct ctrd *c);

/* Drive I/O for the given epoll events (0: only expire deadlines), then run
 * the callbacks of calls that ended. Returns 0, or -1 when the connection
 * is lost (the callbacks have run with CTRD_UNAVAILABLE; close it). */
int ctrd_process(struct ctrd *c, uint32_t epoll_events);

/* Number of calls queued or in flight (the exit subscription excluded). */
size_t ctrd_pending(const struct ctrd *c);

/* Deadline for unary calls queued from now on; 0 means none. */
void ctrd_set_timeout(struct ctrd *c, int timeout_ms);

/* Why the connection was lost, for the log ("" while it is healthy). */
const char *ctrd_error(const struct ctrd *c);

/* --- calls ------------------------------------------------------------ */

/* Version.Version: res->version. The cheap call of the readiness probe. */
int ctrd_version(struct ctrd *c, ctrd_done_fn *done, void *arg);

/* Containers.Create with the OCI spec spec_json (config.json bytes, root.path
 * absolute), runtime CTRD_RUNTIME, no snapshotter. labels: NULL-terminated
 * "key=value" strings, or NULL. */
int ctrd_container_create(struct ctrd *c, const char *id, const char *spec_json, size_t spec_len,
			  const char *const *labels, ctrd_done_fn *done, void *arg);
int ctrd_container_delete(struct ctrd *c, const char *id, ctrd_done_fn *done, void *arg);
/* Containers.List: res->containers. */
int ctrd_container_list(struct ctrd *c, ctrd_done_fn *done, void *arg);

/* Tasks.Create for container id: res->pid. No stdin, no terminal. The
 * runc shim picks the output mode from stdout_uri:
 *  - the path of a FIFO the caller created and reads: stdout goes there,
 *    stderr to the FIFO at stderr_uri (may be the same path; NULL/"": none).
 *    Open the read ends first (O_RDONLY|O_NONBLOCK): the shim waits for a
 *    reader and the call would only end at its deadline;
 *  - "file:///abs/path": both streams are appended to that one file and
 *    stderr_uri is ignored (the shim's rule; the same URI is sent twice);
 *  - NULL/"": no output. */
int ctrd_task_create(struct ctrd *c, const char *id, const char *stdout_uri, const char *stderr_uri,
		     ctrd_done_fn *done, void *arg);
/* Tasks.Start: res->pid. */
int ctrd_task_start(struct ctrd *c, const char *id, ctrd_done_fn *done, void *arg);
/* Tasks.Kill: signal the init process, or every process of the task when
 * all is true. */
int ctrd_task_kill(struct ctrd *c, const char *id, int sig, bool all, ctrd_done_fn *done,
		   void *arg);
/* Tasks.Delete (the task must be stopped): res->pid, res->exit_status. */
int ctrd_task_delete(struct ctrd *c, const char *id, ctrd_done_fn *done, void *arg);
/* Tasks.List: res->tasks. */
int ctrd_task_list(struct ctrd *c, ctrd_done_fn *done, void *arg);

/* Events.Subscribe with filter topic=="/tasks/exit" in this namespace: a
 * long-lived stream (no deadline) on which on_exit runs for every exit of a
 * task's init process. Subscribe before listing or starting tasks, so that
 * no exit falls between the two. One subscription per connection; a second
 * call fails with EBUSY. When the stream ends without the connection being
 * lost (containerd closed it), ended (may be NULL) runs with the status. */
int ctrd_subscribe_exits(struct ctrd *c, ctrd_exit_fn *on_exit, ctrd_done_fn *ended, void *arg);

/* --- helpers ------------------------------------------------------------ */

/* Blocking: wait up to timeout_ms (<0: no bound, but never past the next
 * call deadline) for the connection to be ready, then ctrd_process() it.
 * Returns ctrd_process()'s result. A loop for tools that only talk to
 * containerd (an exit waiter). */
int ctrd_poll_once(struct ctrd *c, int timeout_ms);

/* Blocking: run the loop until no call is pending (the subscription does not
 * count) or timeout_ms passes (<0: no bound). Returns 0, -1 with errno
 * ETIMEDOUT, or -1 when the connection is lost. For tools and tests. */
int ctrd_run_until_idle(struct ctrd *c, int timeout_ms);

/* Blocking readiness probe: connect and call Version until containerd
 * answers or timeout_ms passes, retrying every 50 ms. Returns 0, or -1 and
 * writes the last reason to err (one line). */
int ctrd_wait_ready(const char *sock, int timeout_ms, char *err, size_t errlen);

/* Parses in this process (jansson, bounded to 4 MiB): a caller that treats
 * bundles as untrusted runs it in a child.
 * Read bundle_dir/config.json and return its bytes with root.path made
 * absolute (bundle_dir/rootfs-style relative paths are resolved against
 * bundle_dir, which must itself be absolute). Returns a malloc'd buffer
 * and its length, or NULL and writes a one-line reason to err. */
char *ctrd_bundle_spec(const char *bundle_dir, size_t *len, char *err, size_t errlen);

/* A minimal containerd config.toml (version 2) for stele: gRPC on sock,
 * root and state where given, the CRI plugin, the unused snapshotters,
 * tracing, and the v1 runtime disabled, ttrpc/debug/metrics sockets in
 * state. Writes it to path (atomically). Returns 0 or -1 with errno. */
struct ctrd_config {
	const char *root;      /* persistent dir: /var/lib/containerd or a tmpfs */
	const char *state;     /* /run/containerd */
	const char *sock;      /* NULL: CTRD_SOCKET */
	const char *log_level; /* NULL: "warn" */
};
int ctrd_config_write(const char *path, const struct ctrd_config *cfg);

const char *ctrd_code_name(int grpc_status);
const char *ctrd_task_status_name(enum ctrd_task_status status);

#endif
