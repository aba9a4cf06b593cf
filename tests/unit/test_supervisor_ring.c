// sources: supervisor/ring.c supervisor/logstore.c lib/log.c lib/output.c lib/fdio.c
/* ring and logstore: the newest bytes survive, followers resume by offset,
 * last-N-lines and the last line of a run are exact, and a log file rotates within its bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "supervisor/logstore.h"
#include "supervisor/ring.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void read_all(const struct ring *r, uint64_t from, char *out, size_t len)
{
	size_t n = ring_read(r, &from, out, len - 1);
	out[n] = '\0';
}

static void keeps_the_newest_bytes(void **state)
{
	struct ring r;
	char out[64];
	assert_int_equal(ring_init(&r, 8), 0);
	ring_append(&r, "abcdef", 6);
	ring_append(&r, "ghij", 4);
	assert_int_equal(ring_begin(&r), 2);
	read_all(&r, 0, out, sizeof out);
	assert_string_equal(out, "cdefghij");
	ring_append(&r, "0123456789XY", 12); /* longer than the ring */
	read_all(&r, 0, out, sizeof out);
	assert_string_equal(out, "456789XY");
	ring_free(&r);
}

static void a_follower_resumes_at_its_offset(void **state)
{
	struct ring r;
	char out[64];
	assert_int_equal(ring_init(&r, 16), 0);
	ring_append(&r, "one\n", 4);
	uint64_t at = 0;
	size_t n = ring_read(&r, &at, out, sizeof out);
	assert_int_equal(n, 4);
	assert_int_equal(at, 4);
	ring_append(&r, "two\n", 4);
	n = ring_read(&r, &at, out, sizeof out);
	out[n] = '\0';
	assert_string_equal(out, "two\n");
	assert_int_equal(ring_read(&r, &at, out, sizeof out), 0);
	ring_free(&r);
}

static void last_lines(void **state)
{
	struct ring r;
	char out[64];
	assert_int_equal(ring_init(&r, 64), 0);
	ring_append(&r, "a\nb\nc\n", 6);
	read_all(&r, ring_last_lines(&r, 2), out, sizeof out);
	assert_string_equal(out, "b\nc\n");
	read_all(&r, ring_last_lines(&r, 10), out, sizeof out);
	assert_string_equal(out, "a\nb\nc\n");
	ring_append(&r, "partial", 7);
	read_all(&r, ring_last_lines(&r, 1), out, sizeof out);
	assert_string_equal(out, "partial");
	assert_int_equal(ring_last_lines(&r, 0), r.end);
	ring_free(&r);
}

static void add(struct ring *r, const char *s)
{
	ring_append(r, s, strlen(s));
}

static void the_last_line_of_a_run(void **state)
{
	struct ring r;
	char out[16];
	assert_int_equal(ring_init(&r, 64), 0);
	assert_int_equal(ring_last_line(&r, 0, out, sizeof out), 0);
	assert_string_equal(out, "");
	add(&r, "old run\n");
	uint64_t run = r.end;
	assert_int_equal(ring_last_line(&r, run, out, sizeof out), 0); /* nothing since */
	add(&r, "first\nbad key\r\n\n  \n");
	assert_int_equal(ring_last_line(&r, run, out, sizeof out), 7);
	assert_string_equal(out, "bad key");
	add(&r, "no newline\x1b");
	ring_last_line(&r, run, out, sizeof out);
	assert_string_equal(out, "no newline?");
	add(&r, "\na line far too long\n");
	assert_int_equal(ring_last_line(&r, run, out, sizeof out), 15);
	assert_string_equal(out, "a line far t...");
	/* An offset that fell out of the window starts at the oldest byte. */
	add(&r, "0123456789012345678901234567890123456789012345678901234567890\nz");
	ring_last_line(&r, 0, out, sizeof out);
	assert_string_equal(out, "z");
	ring_free(&r);
}

static off_t size_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : -1;
}

static void log_file_rotates_within_its_bound(void **state)
{
	char dir[] = "/tmp/stele-logstore-XXXXXX", path[128], old[140];
	assert_non_null(mkdtemp(dir));
	struct logstore l;
	assert_int_equal(logstore_init(&l, "svc", dir, 1024), 0);
	char line[100];
	memset(line, 'x', sizeof line - 1);
	line[sizeof line - 1] = '\n';
	for (int i = 0; i < 50; i++)
		logstore_write(&l, line, sizeof line);
	snprintf(path, sizeof path, "%s/svc.log", dir);
	snprintf(old, sizeof old, "%s/svc.log.1", dir);
	assert_true(size_of(path) > 0 && size_of(path) <= 1024);
	assert_int_equal(size_of(old), 1024);
	/* One write larger than the bound is cut across files, never past it. */
	char big[3000];
	memset(big, 'y', sizeof big);
	logstore_write(&l, big, sizeof big);
	assert_true(size_of(path) <= 1024);
	assert_true(size_of(old) <= 1024);
	logstore_free(&l);
	unlink(path);
	unlink(old);
	rmdir(dir);
}

static char mirrored[4][64];
static int n_mirrored;

static void collect(const char *line)
{
	if (n_mirrored < 4)
		snprintf(mirrored[n_mirrored++], sizeof mirrored[0], "%s", line);
}

/* console: true: whole lines, prefixed with the name, whatever the chunks. */
static void mirror_gets_whole_prefixed_lines(void **state)
{
	struct logstore l;
	assert_int_equal(logstore_init(&l, "web", NULL, 0), 0);
	logstore_write(&l, "quiet before\n", strlen("quiet before\n"));
	assert_int_equal(n_mirrored, 0);
	assert_int_equal(logstore_mirror(&l, collect), 0);
	logstore_write(&l, "hel", 3);
	logstore_write(&l, "lo\nsecond\nthi", strlen("lo\nsecond\nthi"));
	assert_int_equal(n_mirrored, 2);
	assert_string_equal(mirrored[0], "web: hello");
	assert_string_equal(mirrored[1], "web: second");
	logstore_free(&l); /* the unfinished line is not lost */
	assert_int_equal(n_mirrored, 3);
	assert_string_equal(mirrored[2], "web: thi");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(keeps_the_newest_bytes),
	    cmocka_unit_test(a_follower_resumes_at_its_offset),
	    cmocka_unit_test(last_lines),
	    cmocka_unit_test(the_last_line_of_a_run),
	    cmocka_unit_test(log_file_rotates_within_its_bound),
	    cmocka_unit_test(mirror_gets_whole_prefixed_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
