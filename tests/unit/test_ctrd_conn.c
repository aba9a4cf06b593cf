// sources: containerd/conn.c
// sources: containerd/calls.c
// sources: containerd/events.c
// sources: containerd/blocking.c
// sources: containerd/grpc.c
// sources: build/gen/github.com/containerd/containerd/api/services/tasks/v1/tasks.pb-c.c
// sources: build/gen/github.com/containerd/containerd/api/services/containers/v1/containers.pb-c.c
// sources: build/gen/github.com/containerd/containerd/api/services/events/v1/events.pb-c.c
// sources: build/gen/github.com/containerd/containerd/api/services/version/v1/version.pb-c.c
// sources: build/gen/github.com/containerd/containerd/api/events/task.pb-c.c
// sources: build/gen/github.com/containerd/containerd/api/types/mount.pb-c.c
// sources: build/gen/github.com/containerd/containerd/api/types/metrics.pb-c.c
// sources: build/gen/github.com/containerd/containerd/api/types/descriptor.pb-c.c
// sources: build/gen/github.com/containerd/containerd/api/types/task/task.pb-c.c
// sources: build/gen/google/protobuf/any.pb-c.c
// sources: build/gen/google/protobuf/empty.pb-c.c
// sources: build/gen/google/protobuf/timestamp.pb-c.c
// sources: build/gen/google/protobuf/field_mask.pb-c.c
/* conn: the client's own guarantees, against peers that are not
 * containerd: a silent peer (deadlines), a peer that hangs up or speaks
 * garbage (connection loss), close with calls pending, argument checks.
 * The real containerd is exercised by tests/containerd/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "containerd/ctrd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct peer {
	char dir[64];
	char path[128];
	int listen_fd;
};

/* A unix socket that accepts connections (the backlog does) and never
 * answers unless the test makes it. */
static int peer_setup(void **state)
{
	struct peer *p = calloc(1, sizeof *p);
	snprintf(p->dir, sizeof p->dir, "/tmp/ctrd-unit.XXXXXX");
	assert_non_null(mkdtemp(p->dir));
	snprintf(p->path, sizeof p->path, "%s/sock", p->dir);
	p->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	strcpy(addr.sun_path, p->path);
	assert_int_equal(bind(p->listen_fd, (struct sockaddr *)&addr, sizeof addr), 0);
	assert_int_equal(listen(p->listen_fd, 8), 0);
	*state = p;
	return 0;
}

static int peer_teardown(void **state)
{
	struct peer *p = *state;
	close(p->listen_fd);
	unlink(p->path);
	rmdir(p->dir);
	free(p);
	return 0;
}

struct outcome {
	int calls;
	int status;
	char message[256];
	struct ctrd *chain; /* when set, the first callback queues one more call */
};

static void record(void *arg, const struct ctrd_result *res)
{
	struct outcome *o = arg;
	o->calls++;
	o->status = res->grpc_status;
	snprintf(o->message, sizeof o->message, "%s", res->message);
	if (o->chain && o->calls == 1)
		assert_int_equal(ctrd_task_list(o->chain, record, o), 0);
}

static void test_connect_missing_socket(void **state)
{
	errno = 0;
	assert_null(ctrd_connect("/nonexistent/containerd.sock", "stele"));
	assert_int_equal(errno, ENOENT);
	assert_null(ctrd_connect("/tmp/x", ""));
	assert_int_equal(errno, EINVAL);
}

static void test_fd_is_cloexec_nonblocking(void **state)
{
	struct peer *p = *state;
	struct ctrd *c = ctrd_connect(p->path, "stele");
	assert_non_null(c);
	assert_true(fcntl(ctrd_fd(c), F_GETFD) & FD_CLOEXEC);
	assert_true(fcntl(ctrd_fd(c), F_GETFL) & O_NONBLOCK);
	/* the HTTP/2 preface waits to be written */
	assert_true(ctrd_wants_write(c));
	ctrd_close(c);
}

static void test_deadline_on_silent_peer(void **state)
{
	struct peer *p = *state;
	struct ctrd *c = ctrd_connect(p->path, "stele");
	assert_non_null(c);
	ctrd_set_timeout(c, 200);
	struct outcome o = {.chain = c};
	assert_int_equal(ctrd_version(c, record, &o), 0);
	assert_int_equal(o.calls, 0); /* never from the queuing function */
	assert_int_equal(ctrd_pending(c), 1);
	assert_true(ctrd_next_timeout_ms(c) >= 0);
	assert_int_equal(ctrd_run_until_idle(c, 20000), 0);
	/* the chained call ran into its own deadline too */
	assert_int_equal(o.calls, 2);
	assert_int_equal(o.status, CTRD_DEADLINE_EXCEEDED);
	assert_non_null(strstr(o.message, "200 ms"));
	assert_int_equal(ctrd_pending(c), 0);
	assert_int_equal(ctrd_next_timeout_ms(c), -1);
	ctrd_close(c);
}

static void test_close_cancels_pending(void **state)
{
	struct peer *p = *state;
	struct ctrd *c = ctrd_connect(p->path, "stele");
	struct outcome a = {0}, b = {0};
	assert_int_equal(ctrd_task_start(c, "svc", record, &a), 0);
	assert_int_equal(ctrd_task_delete(c, "svc", record, &b), 0);
	assert_int_equal(ctrd_process(c, 0), 0);
	ctrd_close(c);
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.status, CTRD_CANCELLED);
	assert_int_equal(b.calls, 1);
	assert_int_equal(b.status, CTRD_CANCELLED);
}

/* The peer reads the request, then hangs up or answers garbage. */
static void lost_connection(struct peer *p, const char *answer)
{
	struct ctrd *c = ctrd_connect(p->path, "stele");
	struct outcome o = {0}, ended = {0};
	assert_int_equal(ctrd_container_list(c, record, &o), 0);
	assert_int_equal(ctrd_subscribe_exits(c, (ctrd_exit_fn *)abort, record, &ended), 0);
	assert_int_equal(ctrd_process(c, 0), 0); /* writes the preface and requests */
	int conn = accept4(p->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(conn >= 0);
	if (answer)
		assert_int_equal(write(conn, answer, strlen(answer)), (ssize_t)strlen(answer));
	close(conn);
	assert_int_equal(ctrd_run_until_idle(c, 20000), -1);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.status, CTRD_UNAVAILABLE);
	assert_non_null(strstr(o.message, "connection to containerd lost"));
	assert_string_not_equal(ctrd_error(c), "");
	/* the subscription's end is the caller's news through ctrd_process */
	assert_int_equal(ended.calls, 0);
	assert_int_equal(ctrd_process(c, 0), -1);
	errno = 0;
	assert_int_equal(ctrd_version(c, record, &o), -1);
	assert_int_equal(errno, ENOTCONN);
	ctrd_close(c);
	assert_int_equal(o.calls, 1);
}

static void test_peer_hangs_up(void **state)
{
	lost_connection(*state, NULL);
}

static void test_peer_speaks_garbage(void **state)
{
	lost_connection(*state, "HTTP/1.1 400 Bad Request\r\n\r\n");
}

static void test_bad_arguments(void **state)
{
	struct peer *p = *state;
	struct ctrd *c = ctrd_connect(p->path, "stele");
	struct outcome o = {0};
	errno = 0;
	assert_int_equal(ctrd_task_start(c, "", record, &o), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ctrd_task_kill(c, "svc", 0, false, record, &o), -1);
	assert_int_equal(errno, EINVAL);
	const char *bad_labels[] = {"novalue", NULL};
	assert_int_equal(ctrd_container_create(c, "svc", "{}", 2, bad_labels, record, &o), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ctrd_subscribe_exits(c, (ctrd_exit_fn *)abort, NULL, NULL), 0);
	assert_int_equal(ctrd_subscribe_exits(c, (ctrd_exit_fn *)abort, NULL, NULL), -1);
	assert_int_equal(errno, EBUSY);
	/* the subscription is not a pending call */
	assert_int_equal(ctrd_pending(c), 0);
	ctrd_close(c);
	assert_int_equal(o.calls, 0);
}

static void test_wait_ready_is_bounded(void **state)
{
	char err[256] = "";
	assert_int_equal(ctrd_wait_ready("/nonexistent/containerd.sock", 200, err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/containerd.sock"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_connect_missing_socket),
	    cmocka_unit_test_setup_teardown(test_fd_is_cloexec_nonblocking, peer_setup,
					    peer_teardown),
	    cmocka_unit_test_setup_teardown(test_deadline_on_silent_peer, peer_setup,
					    peer_teardown),
	    cmocka_unit_test_setup_teardown(test_close_cancels_pending, peer_setup, peer_teardown),
	    cmocka_unit_test_setup_teardown(test_peer_hangs_up, peer_setup, peer_teardown),
	    cmocka_unit_test_setup_teardown(test_peer_speaks_garbage, peer_setup, peer_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_arguments, peer_setup, peer_teardown),
	    cmocka_unit_test(test_wait_ready_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
