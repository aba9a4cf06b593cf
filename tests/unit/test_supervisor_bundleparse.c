// clang-format off
// sources: lib/fdio.c supervisor/bundleparse.c supervisor/bundlewire.c supervisor/early.c supervisor/svcconf.c supervisor/restart.c supervisor/spec.c containerd/spec.c hostlib/settings.c lib/error.c schema/check.c schema/fields.c
// clang-format on
/* bundleparse: bundles are parsed in a child and come back whole: settings,
 * dependencies and the adjusted spec for good bundles, one line for bad
 * ones, and the parent is never the one that parses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "supervisor/bundleparse.h"
#include "supervisor/spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[] = "/tmp/stele-bundleparse-XXXXXX";

static void put(const char *name, const char *file, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", root, name);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/%s/rootfs", root, name);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/%s/%s", root, name, file);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void good_and_bad_bundles(void **state)
{
	assert_non_null(mkdtemp(root));
	const char *spec = "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"rootfs\"},"
			   "\"mounts\":[{\"destination\":\"/d\",\"type\":\"bind\","
			   "\"source\":\"/var/lib/x\"}]}";
	put("good", "config.json", spec);
	put("good", "stele.json",
	    "{\"ready\":\"notify\",\"depends_on\":[\"a\",\"b\"],\"grace\":3,\"console\":true}");
	put("badconf", "config.json", spec);
	put("badconf", "stele.json", "{\"grace\":\"x\"}");
	put("badspec", "config.json", "{\"process\":{},\"root\":{\"path\":\"rootfs\"}}");
	char dirs[3][128];
	const char *names[] = {"good", "badconf", "badspec"};
	struct bundle_request req[3];
	for (int i = 0; i < 3; i++) {
		snprintf(dirs[i], sizeof dirs[i], "%s/%s", root, names[i]);
		req[i] = (struct bundle_request){
		    .dir = dirs[i], .name = names[i], .notify_dir = "/run/stele/notify/x"};
	}
	struct parsed_bundle out[3];
	char err[256];
	assert_int_equal(bundles_parse(req, 3, "ns", "/var/lib", NULL, out, 10000, err, sizeof err), 0);
	assert_true(out[0].ok);
	assert_int_equal(out[0].conf.ready, READY_NOTIFY);
	assert_int_equal(out[0].conf.grace_s, 3);
	assert_int_equal(out[0].conf.n_depends, 2);
	assert_string_equal(out[0].conf.depends_on[1], "b");
	assert_true(out[0].binds_state_dir);
	assert_true(out[0].conf.console); /* carried across the pipe */
	assert_false(out[1].conf.console);
	assert_int_equal(strlen(out[0].spec), out[0].spec_len);
	assert_non_null(strstr(out[0].spec, SPEC_NOTIFY_SOCKET));
	assert_non_null(strstr(out[0].spec, root)); /* root.path made absolute */
	assert_false(out[1].ok);
	assert_non_null(strstr(out[1].err, "\"grace\": expected whole seconds"));
	assert_null(out[1].spec);
	assert_false(out[2].ok);
	assert_non_null(strstr(out[2].err, "badspec/config.json: no process.args"));
	for (int i = 0; i < 3; i++) {
		svcconf_free(&out[i].conf);
		free(out[i].spec);
	}
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(good_and_bad_bundles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
