// sources: lib/log.c lib/clock.c
/* log's host mode: what `stele build` and stelectl print is one untimed
 * line on stderr per message, in the words the tools always printed, and
 * nothing reaches the kernel log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char path[] = "/tmp/stele-log-host-XXXXXX";

/* Runs fn with stderr sent to a file; returns what it wrote. */
static const char *captured(void (*fn)(void))
{
	int file = mkstemp(path);
	assert_true(file >= 0);
	int saved = dup(STDERR_FILENO);
	assert_true(dup2(file, STDERR_FILENO) == STDERR_FILENO);
	fn();
	assert_true(dup2(saved, STDERR_FILENO) == STDERR_FILENO);
	close(saved);
	static char buf[8192];
	ssize_t n = pread(file, buf, sizeof buf - 1, 0);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(file);
	unlink(path);
	memcpy(path + strlen(path) - 6, "XXXXXX", 6);
	return buf;
}

static void builder_lines(void)
{
	log_init_host("stele");
	log_err("image %s: bad digest", "oci:x");
	log_warn("cannot keep the tree at %s", "/out");
	log_info("writing the UKI");
	log_debug("dropped below the default level");
	log_msg_as(LOG_ERR, "stele build", "--size %s: expected a size", "x");
	log_msg_as(LOG_WARN, "initramfs", "own %s: no such entry", "/a");
	log_msg_as(LOG_ERR, NULL, "%s:%d: %s: what is expected", "a.yml", 4, "timeout");
}

static void lines_are_untimed_and_keep_their_words(void **state)
{
	(void)state;
	assert_string_equal(captured(builder_lines),
			    "stele: image oci:x: bad digest\n"
			    "stele: warning: cannot keep the tree at /out\n"
			    "stele: writing the UKI\n"
			    "stele build: --size x: expected a size\n"
			    "initramfs: warning: own /a: no such entry\n"
			    "a.yml:4: timeout: what is expected\n");
}

static void long_line(void)
{
	char where[3000];
	memset(where, 'p', sizeof where - 1);
	where[sizeof where - 1] = '\0';
	log_init_host(NULL);
	log_err("%s: cannot read", where);
}

/* A builder error quoting a long path is not cut at the console's 1 KiB. */
static void a_long_line_is_whole(void **state)
{
	(void)state;
	const char *out = captured(long_line);
	assert_int_equal(strlen(out), 2999 + strlen(": cannot read\n"));
	assert_string_equal(out + 2999, ": cannot read\n");
}

static void errno_line(void)
{
	log_init_host("stelectl");
	errno = ENOENT;
	log_err("%s", "the socket");
	assert_int_equal(errno, ENOENT);
}

static void errno_survives(void **state)
{
	(void)state;
	assert_string_equal(captured(errno_line), "stelectl: the socket\n");
}

/* Host mode never opens /dev/kmsg: a root user's `stele build` must not
 * fill the build host's kernel log. */
static void no_kmsg(void **state)
{
	(void)state;
	log_init_host("stele");
	captured(builder_lines);
	char fd_dir[64], link[256], target[256];
	snprintf(fd_dir, sizeof fd_dir, "/proc/%d/fd", (int)getpid());
	for (int fd = 0; fd < 256; fd++) {
		snprintf(link, sizeof link, "%s/%d", fd_dir, fd);
		ssize_t n = readlink(link, target, sizeof target - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		assert_string_not_equal(target, "/dev/kmsg");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(lines_are_untimed_and_keep_their_words),
	    cmocka_unit_test(a_long_line_is_whole),
	    cmocka_unit_test(errno_survives),
	    cmocka_unit_test(no_kmsg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
