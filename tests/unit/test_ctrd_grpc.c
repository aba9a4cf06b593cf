// sources: containerd/grpc.c
// sources: build/gen/github.com/containerd/containerd/api/services/tasks/v1/tasks.pb-c.c
// sources: build/gen/github.com/containerd/containerd/api/types/mount.pb-c.c
// sources: build/gen/github.com/containerd/containerd/api/types/metrics.pb-c.c
// sources: build/gen/github.com/containerd/containerd/api/types/descriptor.pb-c.c
// sources: build/gen/github.com/containerd/containerd/api/types/task/task.pb-c.c
// sources: build/gen/google/protobuf/any.pb-c.c build/gen/google/protobuf/empty.pb-c.c
// sources: build/gen/google/protobuf/timestamp.pb-c.c
/* grpc: the gRPC framing and the status rules of the containerd client,
 * byte by byte, with real messages from the generated protobuf-c code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "containerd/ctrd.h"
#include "containerd/grpc.h"

#include "github.com/containerd/containerd/api/services/tasks/v1/tasks.pb-c.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void test_pack_prefixes_length(void **state)
{
	Containerd__Services__Tasks__V1__StartRequest req =
	    CONTAINERD__SERVICES__TASKS__V1__START_REQUEST__INIT;
	req.container_id = "abc";
	size_t len;
	uint8_t *buf = grpc_frame_pack(&req.base, &len);
	assert_non_null(buf);
	/* flag 0, length 5, then field 1 (tag 0x0a) of length 3 */
	const uint8_t want[] = {0, 0, 0, 0, 5, 0x0a, 3, 'a', 'b', 'c'};
	assert_int_equal(len, sizeof want);
	assert_memory_equal(buf, want, sizeof want);
	free(buf);
}

static void test_reader_byte_by_byte(void **state)
{
	const uint8_t frame[] = {0, 0, 0, 0, 3, 'x', 'y', 'z'};
	struct grpc_reader r = {0};
	const uint8_t *msg;
	size_t len;
	for (size_t i = 0; i < sizeof frame - 1; i++) {
		assert_int_equal(grpc_reader_feed(&r, &frame[i], 1), 0);
		assert_int_equal(grpc_reader_next(&r, &msg, &len), 0);
		assert_true(grpc_reader_partial(&r));
	}
	assert_int_equal(grpc_reader_feed(&r, &frame[sizeof frame - 1], 1), 0);
	assert_int_equal(grpc_reader_next(&r, &msg, &len), 1);
	assert_int_equal(len, 3);
	assert_memory_equal(msg, "xyz", 3);
	assert_false(grpc_reader_partial(&r));
	assert_int_equal(grpc_reader_next(&r, &msg, &len), 0);
	grpc_reader_free(&r);
}

static void test_reader_two_messages_and_empty_one(void **state)
{
	const uint8_t frames[] = {0, 0, 0, 0, 1, 'a', 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 'b', 'c'};
	struct grpc_reader r = {0};
	const uint8_t *msg;
	size_t len;
	assert_int_equal(grpc_reader_feed(&r, frames, sizeof frames), 0);
	assert_int_equal(grpc_reader_next(&r, &msg, &len), 1);
	assert_int_equal(len, 1);
	assert_int_equal(msg[0], 'a');
	assert_int_equal(grpc_reader_next(&r, &msg, &len), 1);
	assert_int_equal(len, 0); /* an Empty message is zero bytes */
	assert_int_equal(grpc_reader_next(&r, &msg, &len), 1);
	assert_memory_equal(msg, "bc", 2);
	assert_int_equal(grpc_reader_next(&r, &msg, &len), 0);
	/* the buffer is compacted: feeding again after draining still works */
	assert_int_equal(grpc_reader_feed(&r, frames, 6), 0);
	assert_int_equal(grpc_reader_next(&r, &msg, &len), 1);
	assert_int_equal(msg[0], 'a');
	grpc_reader_free(&r);
}

static void test_reader_refuses_compressed_and_huge(void **state)
{
	const uint8_t compressed[] = {1, 0, 0, 0, 1, 'a'};
	const uint8_t huge[] = {0, 0x7f, 0xff, 0xff, 0xff};
	struct grpc_reader r = {0};
	const uint8_t *msg;
	size_t len;
	assert_int_equal(grpc_reader_feed(&r, compressed, sizeof compressed), 0);
	errno = 0;
	assert_int_equal(grpc_reader_next(&r, &msg, &len), -1);
	assert_int_equal(errno, EPROTO);
	grpc_reader_free(&r);
	assert_int_equal(grpc_reader_feed(&r, huge, sizeof huge), 0);
	assert_int_equal(grpc_reader_next(&r, &msg, &len), -1);
	assert_int_equal(errno, EMSGSIZE);
	grpc_reader_free(&r);
}

static void test_reader_bounds_buffering(void **state)
{
	struct grpc_reader r = {0};
	static uint8_t chunk[1 << 20];
	int rv = 0;
	for (int i = 0; i < 20 && rv == 0; i++)
		rv = grpc_reader_feed(&r, chunk, sizeof chunk);
	assert_int_equal(rv, -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_true(r.len <= GRPC_MAX_MESSAGE + GRPC_PREFIX_LEN);
	grpc_reader_free(&r);
}

static void test_status_parse(void **state)
{
	assert_int_equal(grpc_status_parse("0", 1), 0);
	assert_int_equal(grpc_status_parse("14", 2), 14);
	assert_int_equal(grpc_status_parse("", 0), -1);
	assert_int_equal(grpc_status_parse("1a", 2), -1);
	assert_int_equal(grpc_status_parse("-1", 2), -1);
	assert_int_equal(grpc_status_parse("99999999999", 11), -1);
}

static void test_message_decode(void **state)
{
	char buf[64];
	const char *v = "container%20%22x%22%3A%20not%20found";
	grpc_message_decode(v, strlen(v), buf, sizeof buf);
	assert_string_equal(buf, "container \"x\": not found");
	v = "two%0Alines%0D";
	grpc_message_decode(v, strlen(v), buf, sizeof buf);
	assert_string_equal(buf, "two lines ");
	v = "100% %zz %4";
	grpc_message_decode(v, strlen(v), buf, sizeof buf);
	assert_string_equal(buf, "100% %zz %4");
	grpc_message_decode("abcdef", 6, buf, 4);
	assert_string_equal(buf, "abc");
}

static void test_timeout_format(void **state)
{
	char buf[16];
	grpc_timeout_format(30000, buf, sizeof buf);
	assert_string_equal(buf, "30000m");
	grpc_timeout_format(99999999, buf, sizeof buf);
	assert_string_equal(buf, "99999999m");
	grpc_timeout_format(100000000, buf, sizeof buf);
	assert_string_equal(buf, "100000S"); /* 8 digits at most */
	grpc_timeout_format(-5, buf, sizeof buf);
	assert_string_equal(buf, "0m");
}

static void test_outcome(void **state)
{
	char msg[128];
	struct grpc_outcome o = {.http_status = 200, .grpc_status = 5, .message = "not found"};
	assert_int_equal(grpc_outcome_status(&o, msg, sizeof msg), CTRD_NOT_FOUND);
	assert_string_equal(msg, "not found");

	o = (struct grpc_outcome){.http_status = 200, .grpc_status = 0};
	assert_int_equal(grpc_outcome_status(&o, msg, sizeof msg), CTRD_OK);
	assert_string_equal(msg, "");

	/* a status wins over the NO_ERROR/CANCEL reset that may follow it */
	o = (struct grpc_outcome){.http_status = 200, .grpc_status = 0, .reset_code = 8};
	assert_int_equal(grpc_outcome_status(&o, msg, sizeof msg), CTRD_OK);

	o = (struct grpc_outcome){.http_status = 200, .grpc_status = 0, .body_incomplete = true};
	assert_int_equal(grpc_outcome_status(&o, msg, sizeof msg), CTRD_INTERNAL);

	o = (struct grpc_outcome){.http_status = 200, .grpc_status = -1, .reset_code = 2};
	assert_int_equal(grpc_outcome_status(&o, msg, sizeof msg), CTRD_UNAVAILABLE);
	assert_non_null(strstr(msg, "error 2"));

	o = (struct grpc_outcome){.http_status = 404, .grpc_status = -1};
	assert_int_equal(grpc_outcome_status(&o, msg, sizeof msg), 12); /* UNIMPLEMENTED */
	assert_non_null(strstr(msg, "404"));

	o = (struct grpc_outcome){.http_status = 503, .grpc_status = -1};
	assert_int_equal(grpc_outcome_status(&o, msg, sizeof msg), CTRD_UNAVAILABLE);

	o = (struct grpc_outcome){.http_status = 200, .grpc_status = -1};
	assert_int_equal(grpc_outcome_status(&o, msg, sizeof msg), CTRD_UNKNOWN);
	assert_string_equal(msg, "answer without grpc-status");
}

/* A DeleteResponse goes through pack, a split feed and unpack intact. */
static void test_roundtrip_delete_response(void **state)
{
	Containerd__Services__Tasks__V1__DeleteResponse resp =
	    CONTAINERD__SERVICES__TASKS__V1__DELETE_RESPONSE__INIT;
	resp.id = "svc";
	resp.pid = 4242;
	resp.exit_status = 137;
	size_t len;
	uint8_t *frame = grpc_frame_pack(&resp.base, &len);
	assert_non_null(frame);
	struct grpc_reader r = {0};
	assert_int_equal(grpc_reader_feed(&r, frame, 3), 0);
	assert_int_equal(grpc_reader_feed(&r, frame + 3, len - 3), 0);
	const uint8_t *msg;
	size_t mlen;
	assert_int_equal(grpc_reader_next(&r, &msg, &mlen), 1);
	Containerd__Services__Tasks__V1__DeleteResponse *got =
	    containerd__services__tasks__v1__delete_response__unpack(NULL, mlen, msg);
	assert_non_null(got);
	assert_string_equal(got->id, "svc");
	assert_int_equal(got->pid, 4242);
	assert_int_equal(got->exit_status, 137);
	containerd__services__tasks__v1__delete_response__free_unpacked(got, NULL);
	grpc_reader_free(&r);
	free(frame);
}

static void test_code_names(void **state)
{
	assert_string_equal(ctrd_code_name(0), "OK");
	assert_string_equal(ctrd_code_name(CTRD_UNAVAILABLE), "UNAVAILABLE");
	assert_string_equal(ctrd_code_name(16), "UNAUTHENTICATED");
	assert_string_equal(ctrd_code_name(17), "INVALID_STATUS");
	assert_string_equal(ctrd_code_name(-1), "INVALID_STATUS");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pack_prefixes_length),
	    cmocka_unit_test(test_reader_byte_by_byte),
	    cmocka_unit_test(test_reader_two_messages_and_empty_one),
	    cmocka_unit_test(test_reader_refuses_compressed_and_huge),
	    cmocka_unit_test(test_reader_bounds_buffering),
	    cmocka_unit_test(test_status_parse),
	    cmocka_unit_test(test_message_decode),
	    cmocka_unit_test(test_timeout_format),
	    cmocka_unit_test(test_outcome),
	    cmocka_unit_test(test_roundtrip_delete_response),
	    cmocka_unit_test(test_code_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
