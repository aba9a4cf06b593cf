// clang-format off
// sources: supervisor/bundlewire.c supervisor/svcconf.c supervisor/restart.c hostlib/settings.c lib/error.c schema/check.c schema/fields.c
// clang-format on
/* bundlewire: what the supervisor takes from its bundle parser's child,
 * read from the fuzz target's seeds (tests/fuzz/corpus-bundlewire): whole
 * records come back as they were sent; a record out of bounds, cut short,
 * or carrying the other part of its kind is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "lib/clock.h"
#include "supervisor/bundlewire.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SEEDS "tests/fuzz/corpus-bundlewire/"

/* Reads records of SEEDS/name into b[] until one is refused; returns how
 * many were taken, and the refusal in *rc (errno in *err). */
static int read_seed(const char *name, struct parsed_bundle *b, int max, int *rc, int *err)
{
	char path[256];
	snprintf(path, sizeof path, SEEDS "%s", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	int n = 0;
	for (; n < max; n++) {
		*rc = bundlewire_receive(fd, &b[n], boottime_ms_int() + 5000);
		*err = errno;
		if (*rc != 0) {
			bundlewire_release(&b[n]);
			break;
		}
	}
	close(fd);
	return n;
}

static void release_all(struct parsed_bundle *b, int n)
{
	for (int i = 0; i < n; i++)
		bundlewire_release(&b[i]);
}

static void ok_record_whole(void **state)
{
	struct parsed_bundle b[4] = {0};
	int rc, err;
	assert_int_equal(read_seed("ok-deps", b, 4, &rc, &err), 1);
	assert_int_equal(rc, -1);
	assert_int_equal(err, EPIPE); /* the end of the records */
	assert_true(b[0].ok);
	assert_int_equal(b[0].conf.n_depends, 2);
	assert_string_equal(b[0].conf.depends_on[0], "db");
	assert_string_equal(b[0].conf.depends_on[1], "cache-1");
	assert_int_equal(b[0].spec_len, strlen(b[0].spec));
	assert_non_null(strstr(b[0].spec, "\"ociVersion\""));
	release_all(b, 1);

	assert_int_equal(read_seed("ok-late-notify", b, 4, &rc, &err), 1);
	assert_int_equal(b[0].conf.restart.mode, RESTART_NEVER);
	assert_int_equal(b[0].conf.ready, READY_NOTIFY);
	assert_true(b[0].conf.optional && b[0].conf.console && b[0].binds_state_dir);
	assert_string_equal(b[0].late_why,
			    "binds /var/lib/app, which onboot container init writes");
	release_all(b, 1);

	assert_int_equal(read_seed("ok-early-group", b, 4, &rc, &err), 1);
	assert_true(b[0].early);
	assert_string_equal(b[0].shim_group_name, "stele-shim-3");
	release_all(b, 1);
}

static void not_ok_and_sequence(void **state)
{
	struct parsed_bundle b[4] = {0};
	int rc, err;
	assert_int_equal(read_seed("two-records", b, 4, &rc, &err), 2);
	assert_true(b[0].ok);
	assert_false(b[1].ok);
	assert_null(b[1].spec);
	assert_non_null(strstr(b[1].err, "config.json: not JSON"));
	release_all(b, 2);
}

static void refused(void **state)
{
	static const struct {
		const char *seed;
		int rc, err;
	} cases[] = {
	    {"bad-limit", -2, 0},	 {"bad-dep-name", -2, 0},  {"spec-nul", -2, 0},
	    {"not-ok-with-spec", -2, 0}, {"truncated", -1, EPIPE}, {"empty", -1, EPIPE},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct parsed_bundle b[2] = {0};
		int rc, err;
		print_message("%s\n", cases[i].seed);
		assert_int_equal(read_seed(cases[i].seed, b, 2, &rc, &err), 0);
		assert_int_equal(rc, cases[i].rc);
		if (cases[i].err)
			assert_int_equal(err, cases[i].err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ok_record_whole),
	    cmocka_unit_test(not_ok_and_sequence),
	    cmocka_unit_test(refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
