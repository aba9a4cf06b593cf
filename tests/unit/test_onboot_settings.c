// sources: hostlib/settings.c lib/error.c
/* settings: stele.json gives on_failure, timeout, grace, console and the
 * runtime hooks; defaults fill the rest, and every bad value is refused
 * with a line naming the key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "hostlib/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void defaults_without_a_file(void **state)
{
	struct onboot_settings s;
	char err[256] = "";
	assert_int_equal(settings_load("/nonexistent/stele.json", &s, err, sizeof err), 0);
	assert_int_equal(s.on_failure, ON_FAILURE_CONTINUE);
	assert_int_equal(s.timeout_s, 60);
	assert_int_equal(s.grace_s, 10);
	assert_true(s.console);
	assert_int_equal(s.runtime.n_mounts, 0);
	settings_free(&s);
}

static void on_failure_values(void **state)
{
	struct onboot_settings s;
	char err[256];
	assert_int_equal(settings_parse("{\"on_failure\":\"retry:2\"}", &s, err, sizeof err), 0);
	assert_int_equal(s.on_failure, ON_FAILURE_RETRY);
	assert_int_equal(s.retries, 2);
	settings_free(&s);
	assert_int_equal(settings_parse("{\"on_failure\":\"poweroff\"}", &s, err, sizeof err), 0);
	assert_int_equal(s.on_failure, ON_FAILURE_POWEROFF);
	settings_free(&s);
	assert_int_equal(settings_parse("{\"on_failure\":\"halt\"}", &s, err, sizeof err), 0);
	assert_int_equal(s.on_failure, ON_FAILURE_HALT);
	settings_free(&s);
	const char *bad[] = {"{\"on_failure\":\"retry:\"}", "{\"on_failure\":\"retry:-1\"}",
			     "{\"on_failure\":\"retry:2x\"}", "{\"on_failure\":\"reboot\"}",
			     "{\"on_failure\":3}"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err[0] = '\0';
		assert_int_equal(settings_parse(bad[i], &s, err, sizeof err), -1);
		assert_non_null(strstr(err, "on_failure must be"));
	}
}

static void timeouts_and_console(void **state)
{
	struct onboot_settings s;
	char err[256];
	assert_int_equal(settings_parse("{\"timeout\":0,\"grace\":3,\"console\":false,"
					"\"restart\":\"always\"}",
					&s, err, sizeof err),
			 0);
	assert_int_equal(s.timeout_s, 0);
	assert_int_equal(s.grace_s, 3);
	assert_false(s.console);
	settings_free(&s);
	assert_int_equal(settings_parse("{\"timeout\":-1}", &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "timeout must be"));
	assert_int_equal(settings_parse("{\"grace\":\"5\"}", &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "grace must be"));
	assert_int_equal(settings_parse("{\"console\":1}", &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "console must be"));
}

static void runtime_hooks(void **state)
{
	struct onboot_settings s;
	char err[256] = "";
	const char *doc = "{\"runtime\":{\"mkdir\":[\"/var/a\",\"/var/b\"],"
			  "\"mounts\":[{\"type\":\"overlay\",\"destination\":\"/x\","
			  "\"options\":[\"lowerdir=/l\",\"upperdir=/u\",\"workdir=/w\"]}],"
			  "\"interfaces\":[{\"name\":\"eth1\",\"add\":\"veth\",\"peer\":\"v1\","
			  "\"createInRoot\":true},{\"name\":\"eth2\"}],"
			  "\"bindNS\":{\"net\":\"/run/netns/x\",\"mnt\":\"/run/mntns/x\"}}}";
	assert_int_equal(settings_parse(doc, &s, err, sizeof err), 0);
	assert_int_equal(s.runtime.n_mkdirs, 2);
	assert_string_equal(s.runtime.mkdirs[1], "/var/b");
	assert_int_equal(s.runtime.n_mounts, 1);
	assert_string_equal(s.runtime.mounts[0].source, "overlay"); /* defaults to the type */
	assert_string_equal(s.runtime.mounts[0].options, "lowerdir=/l,upperdir=/u,workdir=/w");
	assert_int_equal(s.runtime.n_ifaces, 2);
	assert_true(s.runtime.ifaces[0].create_in_root);
	assert_string_equal(s.runtime.ifaces[0].peer, "v1");
	assert_null(s.runtime.ifaces[1].add);
	assert_string_equal(s.runtime.bind_ns[NS_NET], "/run/netns/x");
	assert_string_equal(s.runtime.bind_ns[NS_MNT], "/run/mntns/x");
	assert_null(s.runtime.bind_ns[NS_UTS]);
	settings_free(&s);
}

static void bad_runtime_hooks(void **state)
{
	struct {
		const char *doc, *message;
	} cases[] = {
	    {"{\"runtime\":{\"mkdir\":[\"relative\"]}}", "runtime.mkdir[0] must be"},
	    {"{\"runtime\":{\"mounts\":[{\"type\":\"tmpfs\"}]}}", "runtime.mounts[0] needs"},
	    {"{\"runtime\":{\"mounts\":[{\"type\":\"tmpfs\",\"destination\":\"/x\","
	     "\"options\":[1]}]}}",
	     "options must be an array of strings"},
	    {"{\"runtime\":{\"interfaces\":[{\"name\":\"a-name-far-too-long\"}]}}",
	     "name must be 1-15"},
	    {"{\"runtime\":{\"interfaces\":[{\"name\":\"e\",\"add\":\"veth\"}]}}", "give \"peer\""},
	    {"{\"runtime\":{\"interfaces\":[{\"name\":\"e\",\"add\":\"bridge\"}]}}",
	     "add must be \"veth\""},
	    {"{\"runtime\":{\"bindNS\":{\"time\":\"/x\"}}}", "unknown namespace"},
	    {"{\"runtime\":{\"bindNS\":{\"net\":\"x\"}}}", "must be an absolute path"},
	    {"[]", "must hold a JSON object"},
	    {"{\"timeout\":1,\"timeout\":2}", "invalid JSON"},
	    {"{", "invalid JSON at line 1"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct onboot_settings s;
		char err[256] = "";
		assert_int_equal(settings_parse(cases[i].doc, &s, err, sizeof err), -1);
		if (!strstr(err, cases[i].message))
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].doc, err,
				 cases[i].message);
	}
}

static void load_names_the_file(void **state)
{
	char path[] = "/tmp/stele-settings-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"grace\": true}", 15), 15);
	close(fd);
	struct onboot_settings s;
	char err[256] = "";
	assert_int_equal(settings_load(path, &s, err, sizeof err), -1);
	unlink(path);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "grace must be"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(defaults_without_a_file), cmocka_unit_test(on_failure_values),
	    cmocka_unit_test(timeouts_and_console),    cmocka_unit_test(runtime_hooks),
	    cmocka_unit_test(bad_runtime_hooks),       cmocka_unit_test(load_names_the_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
