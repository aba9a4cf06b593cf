// sources: containerd/spec.c lib/error.c
/* spec: a bundle's config.json made usable without a snapshotter
 * (root.path absolute), and one-line refusals of broken bundles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "containerd/ctrd.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/ctrd-spec.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char path[128];
	snprintf(path, sizeof path, "%s/config.json", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}

static void write_spec(const char *json)
{
	char path[128];
	snprintf(path, sizeof path, "%s/config.json", dir);
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	fputs(json, f);
	fclose(f);
}

static void test_relative_root_made_absolute(void **state)
{
	write_spec("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
		   "\"process\":{\"args\":[\"sh\"]}}");
	char err[256] = "", want[256];
	size_t len = 0;
	char *spec = ctrd_bundle_spec(dir, &len, err, sizeof err);
	assert_non_null(spec);
	assert_int_equal(len, strlen(spec));
	snprintf(want, sizeof want, "\"path\":\"%s/rootfs\"", dir);
	assert_non_null(strstr(spec, want));
	/* the rest passes through */
	assert_non_null(strstr(spec, "\"readonly\":true"));
	assert_non_null(strstr(spec, "\"args\":[\"sh\"]"));
	free(spec);
}

static void test_absolute_root_kept(void **state)
{
	write_spec("{\"root\":{\"path\":\"/srv/rootfs\"}}");
	char err[256];
	size_t len;
	char *spec = ctrd_bundle_spec(dir, &len, err, sizeof err);
	assert_non_null(spec);
	assert_non_null(strstr(spec, "\"path\":\"/srv/rootfs\""));
	free(spec);
}

static void test_broken_bundles_refused_in_one_line(void **state)
{
	char err[256];
	size_t len;
	write_spec("{\"root\": ");
	assert_null(ctrd_bundle_spec(dir, &len, err, sizeof err));
	assert_non_null(strstr(err, "config.json: line 1"));
	assert_null(strchr(err, '\n'));
	write_spec("{\"process\":{}}");
	assert_null(ctrd_bundle_spec(dir, &len, err, sizeof err));
	assert_non_null(strstr(err, "no root.path"));
	write_spec("[1, 2]");
	assert_null(ctrd_bundle_spec(dir, &len, err, sizeof err));
	assert_non_null(strstr(err, "no root.path"));
	assert_null(ctrd_bundle_spec("/nonexistent/bundle", &len, err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent/bundle"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_relative_root_made_absolute, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_absolute_root_kept, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_broken_bundles_refused_in_one_line, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
