// sources: hostlib/settings.c lib/error.c schema/check.c schema/fields.c
/* settings: stele.json gives on_failure, timeout, grace, console and the
 * runtime hooks to onboot containers, the restart policy and readiness to
 * services; the table's defaults fill the rest, a key for the other kind
 * is refused, and every bad value is refused with a line naming the key
 * and what is expected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "hostlib/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse(const char *doc, unsigned kind, struct bundle_settings *s, char *err)
{
	return bundle_settings_parse(doc, strlen(doc), kind, s, err, 256);
}

/* doc must be refused for kind with a message holding message. */
static void refused(const char *doc, unsigned kind, const char *message)
{
	struct bundle_settings s;
	char err[256] = "";
	assert_int_equal(parse(doc, kind, &s, err), -1);
	if (!strstr(err, message))
		fail_msg("%s: got \"%s\", want \"%s\"", doc, err, message);
	assert_null(strchr(err, '\n'));
}

static void defaults_without_a_file(void **state)
{
	struct bundle_settings s;
	char err[256] = "";
	assert_int_equal(
	    bundle_settings_load("/nonexistent/stele.json", SCHEMA_ONBOOT, &s, err, sizeof err), 0);
	assert_int_equal(s.on_failure, ON_FAILURE_CONTINUE);
	assert_int_equal(s.timeout_s, 60);
	assert_int_equal(s.grace_s, 10);
	assert_true(s.console);
	assert_int_equal(s.runtime.n_mounts, 0);
	bundle_settings_free(&s);
	assert_int_equal(
	    bundle_settings_load("/nonexistent/stele.json", SCHEMA_SERVICE, &s, err, sizeof err),
	    0);
	assert_false(s.console); /* a service's output goes to its log only */
	assert_string_equal(s.restart, "always");
	assert_string_equal(s.ready, "running");
	assert_int_equal(s.restart_limit, 5);
	assert_int_equal(s.restart_window_s, 60);
	assert_int_equal(s.backoff_max_s, 60);
	bundle_settings_free(&s);
}

static void on_failure_values(void **state)
{
	struct bundle_settings s;
	char err[256];
	assert_int_equal(parse("{\"on_failure\":\"retry:2\"}", SCHEMA_ONBOOT, &s, err), 0);
	assert_int_equal(s.on_failure, ON_FAILURE_RETRY);
	assert_int_equal(s.retries, 2);
	bundle_settings_free(&s);
	assert_int_equal(parse("{\"on_failure\":\"retry:1000\"}", SCHEMA_ONBOOT, &s, err), 0);
	assert_int_equal(s.retries, 1000);
	bundle_settings_free(&s);
	assert_int_equal(parse("{\"on_failure\":\"poweroff\"}", SCHEMA_ONBOOT, &s, err), 0);
	assert_int_equal(s.on_failure, ON_FAILURE_POWEROFF);
	bundle_settings_free(&s);
	assert_int_equal(parse("{\"on_failure\":\"halt\"}", SCHEMA_ONBOOT, &s, err), 0);
	assert_int_equal(s.on_failure, ON_FAILURE_HALT);
	bundle_settings_free(&s);
	const char *bad[] = {"{\"on_failure\":\"retry:\"}",
			     "{\"on_failure\":\"retry:-1\"}",
			     "{\"on_failure\":\"retry:0\"}",
			     "{\"on_failure\":\"retry:1001\"}",
			     "{\"on_failure\":\"retry:2x\"}",
			     "{\"on_failure\":\"reboot\"}",
			     "{\"on_failure\":3}"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		refused(bad[i], SCHEMA_ONBOOT,
			"expected continue, retry:N (N 1 to 1000), halt or poweroff");
	refused("{\"on_failure\":\"retry:5000\"}", SCHEMA_ONBOOT, "\"retry:5000\" is not valid");
}

static void timeouts_and_console(void **state)
{
	struct bundle_settings s;
	char err[256];
	assert_int_equal(
	    parse("{\"timeout\":86400,\"grace\":0,\"console\":false}", SCHEMA_ONBOOT, &s, err), 0);
	assert_int_equal(s.timeout_s, 86400);
	assert_int_equal(s.grace_s, 0);
	assert_false(s.console);
	bundle_settings_free(&s);
	refused("{\"timeout\":0}", SCHEMA_ONBOOT,
		"\"timeout\": \"0\" is not valid; expected whole "
		"seconds, 1 to 86400");
	refused("{\"timeout\":86401}", SCHEMA_SERVICE, "\"timeout\": \"86401\" is not valid");
	refused("{\"grace\":-1}", SCHEMA_ONBOOT, "\"grace\": \"-1\" is not valid");
	refused("{\"grace\":\"5\"}", SCHEMA_ONBOOT,
		"\"grace\": expected whole seconds, 0 to 86400");
	refused("{\"console\":1}", SCHEMA_SERVICE, "\"console\": expected true or false");
}

static void service_keys(void **state)
{
	struct bundle_settings s;
	char err[256];
	assert_int_equal(parse("{\"restart\":\"never\",\"depends_on\":[\"a\",\"b-2\"],"
			       "\"ready\":\"notify\",\"optional\":true,\"console\":true,"
			       "\"restart_limit\":64,\"restart_window\":30,\"backoff_max\":8,"
			       "\"binds_state\":true}",
			       SCHEMA_SERVICE, &s, err),
			 0);
	assert_string_equal(s.restart, "never");
	assert_int_equal(s.n_depends, 2);
	assert_string_equal(s.depends_on[1], "b-2");
	assert_string_equal(s.ready, "notify");
	assert_true(s.optional && s.console && s.binds_state);
	assert_int_equal(s.restart_limit, 64);
	assert_int_equal(s.restart_window_s, 30);
	assert_int_equal(s.backoff_max_s, 8);
	bundle_settings_free(&s);
	refused("{\"restart_limit\":65}", SCHEMA_SERVICE, "\"restart_limit\": \"65\" is not valid");
	refused("{\"depends_on\":[\"../x\"]}", SCHEMA_SERVICE, "\"depends_on[0]\": \"../x\"");
	refused("{\"restrat\":\"always\"}", SCHEMA_SERVICE,
		"\"restrat\": unknown key; see docs/design.md");
}

/* A key for the other kind of container is an error, with the fix. */
static void keys_of_the_other_kind(void **state)
{
	refused("{\"restart\":\"always\"}", SCHEMA_ONBOOT,
		"\"restart\": for services only: onboot containers use on_failure");
	refused("{\"optional\":true}", SCHEMA_ONBOOT, "\"optional\": for services only");
	refused("{\"on_failure\":\"halt\"}", SCHEMA_SERVICE,
		"\"on_failure\": for onboot and onshutdown containers only: services use restart");
	refused("{\"runtime\":{\"interfaces\":[]}}", SCHEMA_SERVICE,
		"\"runtime.interfaces\": for onboot containers only");
	refused("{\"runtime\":{\"bindNS\":{}}}", SCHEMA_SERVICE,
		"\"runtime.bindNS\": for onboot containers only");
}

static void runtime_hooks(void **state)
{
	struct bundle_settings s;
	char err[256] = "";
	const char *doc = "{\"runtime\":{\"mkdir\":[\"/var/a\",\"/var/b\"],"
			  "\"mounts\":[{\"type\":\"overlay\",\"destination\":\"/x\","
			  "\"options\":[\"lowerdir=/l\",\"upperdir=/u\",\"workdir=/w\"]}],"
			  "\"interfaces\":[{\"name\":\"eth1\",\"add\":\"veth\",\"peer\":\"v1\","
			  "\"createInRoot\":true},{\"name\":\"eth2\"}],"
			  "\"bindNS\":{\"net\":\"/run/netns/x\",\"mnt\":\"/run/mntns/x\"}}}";
	assert_int_equal(parse(doc, SCHEMA_ONBOOT, &s, err), 0);
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
	bundle_settings_free(&s);
	/* Every namespace the table allows has its slot. */
	for (int k = 0; k < NS_COUNT; k++) {
		char one[128];
		snprintf(one, sizeof one, "{\"runtime\":{\"bindNS\":{\"%s\":\"/p\"}}}",
			 ns_names[k]);
		assert_int_equal(parse(one, SCHEMA_ONBOOT, &s, err), 0);
		assert_string_equal(s.runtime.bind_ns[k], "/p");
		bundle_settings_free(&s);
	}
}

static void bad_runtime_hooks(void **state)
{
	struct {
		const char *doc, *message;
	} cases[] = {
	    {"{\"runtime\":{\"mkdir\":[\"\"]}}",
	     "\"runtime.mkdir[0]\": \"\" is not valid; expected a path: absolute on the host, or "
	     "relative to the container's rootfs"},
	    {"{\"runtime\":{\"mounts\":[{\"type\":\"tmpfs\"}]}}",
	     "\"runtime.mounts[0].destination\": missing"},
	    {"{\"runtime\":{\"mounts\":[{\"type\":\"tmpfs\",\"destination\":\"\"}]}}",
	     "\"runtime.mounts[0].destination\": \"\" is not valid"},
	    {"{\"runtime\":{\"mounts\":[{\"type\":\"tmpfs\",\"destination\":\"/x\","
	     "\"options\":[1]}]}}",
	     "\"runtime.mounts[0].options[0]\": expected a string"},
	    {"{\"runtime\":{\"interfaces\":[{\"name\":\"a-name-far-too-long\"}]}}",
	     "\"runtime.interfaces[0].name\": \"a-name-far-too-long\" is not valid"},
	    {"{\"runtime\":{\"interfaces\":[{\"name\":\"e\",\"add\":\"\"}]}}",
	     "\"runtime.interfaces[0].add\": \"\" is not valid; expected a link type"},
	    {"{\"runtime\":{\"bindNS\":{\"time\":\"/x\"}}}", "\"runtime.bindNS.time\": \"time\""},
	    {"{\"runtime\":{\"bindNS\":{\"net\":\"x\"}}}",
	     "\"runtime.bindNS.net\": \"x\" is not valid; expected an absolute path"},
	    {"{\"runtime\":{\"cgroups\":[\"\"]}}", "\"runtime.cgroups[0]\": \"\" is not valid"},
	    {"{\"runtime\":{\"namespace\":\"x\"}}", "\"runtime.namespace\": not supported"},
	    {"{\"runtime\":{\"mkdirs\":[]}}", "\"runtime.mkdirs\": unknown key"},
	    {"{\"runtime\":[]}", "\"runtime\": expected a mapping"},
	    {"[]", "must hold a JSON object"},
	    {"{\"timeout\":1,\"timeout\":2}", "fix the JSON"},
	    {"{", "line 1: "},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		refused(cases[i].doc, SCHEMA_ONBOOT, cases[i].message);
}

/* What check reports: every problem, by path. */
static void count(void *ctx, const char *path, enum schema_problem p, const struct schema_field *f,
		  const char *value)
{
	(void)path, (void)p, (void)f, (void)value;
	(*(int *)ctx)++;
}

static void check_reports_every_problem(void **state)
{
	json_t *doc = json_loads("{\"timeout\":0,\"grace\":-1,\"restart\":\"x\",\"nope\":1,"
				 "\"runtime\":{\"mkdir\":[\"\",\"\"]}}",
				 0, NULL);
	assert_non_null(doc);
	int seen = 0;
	assert_int_equal(settings_check(doc, SCHEMA_ONBOOT, count, &seen), 6);
	assert_int_equal(seen, 6);
	json_decref(doc);
}

static void load_names_the_file(void **state)
{
	char path[] = "/tmp/stele-settings-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"grace\": true}", 15), 15);
	close(fd);
	struct bundle_settings s;
	char err[256] = "";
	assert_int_equal(bundle_settings_load(path, SCHEMA_ONBOOT, &s, err, sizeof err), -1);
	unlink(path);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "\"grace\": expected whole seconds"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(defaults_without_a_file),
	    cmocka_unit_test(on_failure_values),
	    cmocka_unit_test(timeouts_and_console),
	    cmocka_unit_test(service_keys),
	    cmocka_unit_test(keys_of_the_other_kind),
	    cmocka_unit_test(runtime_hooks),
	    cmocka_unit_test(bad_runtime_hooks),
	    cmocka_unit_test(check_reports_every_problem),
	    cmocka_unit_test(load_names_the_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
