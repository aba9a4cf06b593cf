// clang-format off
// sources: builder/schema.c builder/spec.c builder/seccomp.c builder/yamlconv.c hostlib/settings.c lib/error.c schema/check.c schema/fields.c
// clang-format on
/* schema: YAML to checked JSON; every mistake is reported, a good file
 * loads with its types. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builder/schema.h"
#include "builder/yamlconv.h"
#include "lib/log.h"

static char path[64];

static int load(const char *yaml, struct config *cfg)
{
	snprintf(path, sizeof path, "/tmp/test_config_schema.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
	close(fd);
	int rc = schema_load(path, cfg);
	unlink(path);
	return rc;
}

static void test_good_file_types(void **state)
{
	struct config cfg;
	assert_int_equal(
	    load("kernel:\n  cmdline: console=ttyS0\n"
		 "services:\n  - name: a\n    image: dir:/x\n    readonly: no\n"
		 "    timeout: 30\n    uid: daemon\n    capabilities: [CAP_CHOWN, net_raw]\n",
		 &cfg),
	    0);
	json_t *a = json_array_get(json_object_get(cfg.root, "services"), 0);
	assert_true(json_is_false(json_object_get(a, "readonly")));
	assert_int_equal(json_integer_value(json_object_get(a, "timeout")), 30);
	assert_string_equal(json_string_value(json_object_get(a, "uid")), "daemon");
	assert_int_equal(json_array_size(json_object_get(a, "capabilities")), 2);
	assert_string_equal(cfg.name + 0, path + 5); /* the base name: the image's name */
	schema_free(&cfg);
}

/* stele's keys: typed as stele.json holds them; nested paths keep lines;
 * state: values stay text, as init.conf will. */
static void test_stele_keys(void **state)
{
	struct config cfg;
	assert_int_equal(load("services:\n  - name: a\n    image: dir:/x\n"
			      "    restart_limit: 3\n    console: yes\n    depends_on: [b]\n"
			      "    runtime:\n      mounts:\n        - type: tmpfs\n"
			      "          destination: /m\n"
			      "  - name: b\n    image: dir:/x\n"
			      "state:\n  required: yes\n  wait: 5\n",
			      &cfg),
			 0);
	json_t *a = json_array_get(json_object_get(cfg.root, "services"), 0);
	assert_int_equal(json_integer_value(json_object_get(a, "restart_limit")), 3);
	assert_true(json_is_true(json_object_get(a, "console")));
	assert_int_equal(yconv_line(a, "runtime.mounts[0].destination"), 10);
	assert_int_equal(yconv_line(a, "runtime.mounts[0].nosuch"), 9); /* its parent's */
	json_t *st = json_object_get(cfg.root, "state");
	assert_string_equal(json_string_value(json_object_get(st, "required")), "yes");
	assert_string_equal(json_string_value(json_object_get(st, "wait")), "5");
	schema_free(&cfg);
}

static void test_mistakes_fail(void **state)
{
	struct config cfg;
	static const char *const bad[] = {
	    "nonsense: 1\n",
	    "services:\n  - name: a\n    image: x\n    timeout: soon\n",
	    "services:\n  - name: a\n    image: x\n    capabilities: [CAP_NOPE]\n",
	    "services:\n  - name: a\n    image: x\n    seccomp:\n      deny: [nosuchcall]\n",
	    "services:\n  - name: a\n    image: x\n  - name: a\n    image: y\n",
	    "services:\n  - name: a\n    image: x\n    depends_on: [a]\n",
	    "services:\n  - image: x\n",
	    "services:\n  - name: ../evil\n    image: x\n",
	    "services: {}\n",
	    "- just\n- a list\n",
	    "state:\n  fs: zfs\n",
	    "state:\n  wait: 3601\n",
	    "services:\n  - name: a\n    image: x\n    timeout: 0\n",
	    "services:\n  - name: a\n    image: x\n    on_failure: halt\n",
	    "onboot:\n  - name: a\n    image: x\n    restart: always\n",
	    "onboot:\n  - name: a\n    image: x\n    runtime:\n      mkdir: [\"\"]\n",
	    "services:\n  - name: a\n    image: x\n    runtime: {interfaces: []}\n",
	    "services:\n  - name: a\n    image: x\n    binds_state: true\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (load(bad[i], &cfg) == 0)
			fail_msg("accepted: %s", bad[i]);
	}
}

int main(void)
{
	log_init_host("stele");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_file_types),
	    cmocka_unit_test(test_stele_keys),
	    cmocka_unit_test(test_mistakes_fail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
