// sources: onboot/bundle.c lib/error.c schema/check.c schema/fields.c
/* bundle: names come from NNN-NAME, bundles are listed in lexical order,
 * and bundle_check refuses what runc should never see. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "onboot/bundle.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char top[64];

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", top, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void dir(const char *rel)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", top, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int setup(void **state)
{
	snprintf(top, sizeof top, "/tmp/stele-bundle-XXXXXX");
	return mkdtemp(top) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", top);
	return system(cmd) == 0 ? 0 : -1;
}

static void names(void **state)
{
	char name[BUNDLE_NAME_MAX];
	assert_int_equal(bundle_name("010-dhcpcd", name, sizeof name), 0);
	assert_string_equal(name, "dhcpcd");
	assert_int_equal(bundle_name("000-a-b.c_d", name, sizeof name), 0);
	assert_string_equal(name, "a-b.c_d");
	assert_int_equal(bundle_name("plain", name, sizeof name), 0);
	assert_string_equal(name, "plain");
	assert_int_equal(bundle_name("020-", name, sizeof name), -1);
	assert_int_equal(bundle_name("020-bad/name", name, sizeof name), -1);
	assert_int_equal(bundle_name("020-bad name", name, sizeof name), -1);
	assert_int_equal(bundle_name("020-.hidden", name, sizeof name), -1);
	char long_name[100];
	memset(long_name, 'x', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	assert_int_equal(bundle_name(long_name, name, sizeof name), -1);
}

static void lexical_order(void **state)
{
	dir("onboot");
	dir("onboot/020-b");
	dir("onboot/100-c");
	dir("onboot/010-a");
	put("onboot/050-not-a-dir", "");
	struct bundle *list;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/onboot", top);
	assert_int_equal(bundles_list(path, &list), 3);
	assert_string_equal(list[0].name, "a");
	assert_string_equal(list[1].name, "b");
	assert_string_equal(list[2].name, "c");
	snprintf(path, sizeof path, "%s/onboot/100-c", top);
	assert_string_equal(list[2].dir, path);
	free(list);
	snprintf(path, sizeof path, "%s/missing", top);
	assert_int_equal(bundles_list(path, &list), 0);
}

static void check_bundle(const struct bundle *b, const char *message)
{
	char err[1024] = "";
	if (!message) {
		assert_int_equal(bundle_check(b, err, sizeof err), 0);
		return;
	}
	assert_int_equal(bundle_check(b, err, sizeof err), -1);
	if (!strstr(err, message))
		fail_msg("got \"%s\", want \"%s\"", err, message);
}

static void put_config(const char *cwd, const char *terminal, const char *root)
{
	char doc[512];
	snprintf(doc, sizeof doc,
		 "{\"process\":{\"args\":[\"sh\"],\"cwd\":\"%s\",\"terminal\":%s},"
		 "\"root\":{\"path\":\"%s\"}}",
		 cwd, terminal, root);
	put("x/config.json", doc);
}

static void checks(void **state)
{
	dir("x");
	dir("x/rootfs");
	struct bundle b = {.name = "x"};
	snprintf(b.dir, sizeof b.dir, "%s/x", top);
	check_bundle(&b, "config.json: No such file or directory: add the OCI runtime spec");
	put("x/config.json", "{\"process\": ");
	check_bundle(&b, "invalid JSON at line 1");
	put("x/config.json", "{\"root\":{\"path\":\"rootfs\"}}");
	check_bundle(&b, "process is missing");
	put("x/config.json",
	    "{\"process\":{\"args\":[],\"cwd\":\"/\"},\"root\":{\"path\":\"rootfs\"}}");
	check_bundle(&b, "process.args is missing");
	put_config("/", "false", "rootfs");
	check_bundle(&b, NULL);
	put_config("/", "true", "rootfs");
	check_bundle(&b, "process.terminal is true");
	const char *unsafe[] = {"/proc/self/fd/7", "relative", "/a/../..", "/..", ""};
	for (size_t i = 0; i < sizeof unsafe / sizeof *unsafe; i++) {
		put_config(unsafe[i], "false", "rootfs");
		check_bundle(&b, "is unsafe");
	}
	put_config("/srv/..data", "false", "missing");
	check_bundle(&b, "missing is missing");
	put_config("/", "false", top); /* an absolute root.path */
	check_bundle(&b, NULL);
	struct bundle unnamed = {.name = ""};
	snprintf(unnamed.dir, sizeof unnamed.dir, "%s/x", top);
	check_bundle(&unnamed, "bad bundle name");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(names),
	    cmocka_unit_test_setup_teardown(lexical_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(checks, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
