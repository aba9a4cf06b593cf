// sources: lib/fdio.c lib/output.c
/* output: the log gets every byte; the console gets whole lines with the
 * container's name in front, long lines cut, the last line completed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "lib/output.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static size_t slurp(int fd, char *buf, size_t len)
{
	ssize_t n = read(fd, buf, len - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	return (size_t)n;
}

static void prefixes_whole_lines(void **state)
{
	int log[2], console[2];
	assert_int_equal(pipe2(log, O_NONBLOCK), 0);
	assert_int_equal(pipe2(console, O_NONBLOCK), 0);
	struct output o;
	output_init(&o, log[1], console[1], "net");
	output_feed(&o, "one\ntw", 6);
	output_feed(&o, "o\nthree", 7);
	char buf[256];
	slurp(console[0], buf, sizeof buf);
	assert_string_equal(buf, "net: one\nnet: two\n"); /* "three" waits for its newline */
	output_flush(&o);
	slurp(console[0], buf, sizeof buf);
	assert_string_equal(buf, "net: three\n");
	slurp(log[0], buf, sizeof buf);
	assert_string_equal(buf, "one\ntwo\nthree"); /* the log is verbatim */
}

static void cuts_long_lines(void **state)
{
	int console[2];
	assert_int_equal(pipe2(console, O_NONBLOCK), 0);
	struct output o;
	output_init(&o, -1, console[1], "x");
	char line[OUTPUT_LINE_MAX + 10];
	memset(line, 'a', sizeof line);
	line[sizeof line - 1] = '\n';
	output_feed(&o, line, sizeof line);
	char buf[OUTPUT_LINE_MAX * 2];
	size_t n = slurp(console[0], buf, sizeof buf);
	assert_int_equal(n, 3 + OUTPUT_LINE_MAX + 1 + 3 + 9 + 1);
	assert_memory_equal(buf + 3 + OUTPUT_LINE_MAX, "\nx: aaaaaaaaa\n", 14);
}

static void pump_reads_to_eof(void **state)
{
	int in[2], console[2];
	assert_int_equal(pipe2(in, O_NONBLOCK), 0);
	assert_int_equal(pipe2(console, O_NONBLOCK), 0);
	struct output o;
	output_init(&o, -1, console[1], "p");
	assert_int_equal(write(in[1], "hi\n", 3), 3);
	assert_int_equal(output_pump(&o, in[0]), 1); /* still open */
	close(in[1]);
	assert_int_equal(output_pump(&o, in[0]), 0); /* end of file */
	char buf[64];
	slurp(console[0], buf, sizeof buf);
	assert_string_equal(buf, "p: hi\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(prefixes_whole_lines),
	    cmocka_unit_test(cuts_long_lines),
	    cmocka_unit_test(pump_reads_to_eof),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
