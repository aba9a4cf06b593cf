// clang-format off
// sources: supervisor/svcconf.c supervisor/restart.c supervisor/spec.c hostlib/settings.c lib/error.c schema/check.c schema/fields.c
// clang-format on
/* stele.json parsing (defaults, every key, one-line errors) and the spec
 * adjustments made before a container is created. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "supervisor/spec.h"
#include "supervisor/svcconf.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse(const char *json, struct svcconf *c, char *err)
{
	svcconf_defaults(c);
	return svcconf_parse(json, strlen(json), "x/stele.json", c, err, 256);
}

static void defaults(void **state)
{
	struct svcconf c;
	char err[256];
	assert_int_equal(parse("{}", &c, err), 0);
	assert_int_equal(c.restart.mode, RESTART_ALWAYS);
	assert_int_equal(c.ready, READY_RUNNING);
	assert_int_equal(c.grace_s, 10);
	assert_int_equal(c.restart.min_ms, 1000);
	assert_int_equal(c.restart.max_ms, 60000);
	assert_int_equal(c.n_depends, 0);
	assert_int_equal(c.timeout_s, 60);
	assert_int_equal(c.restart.limit, 5);
	assert_int_equal(c.restart.window_ms, 60000);
	assert_false(c.console);
	svcconf_free(&c);
}

static void every_key(void **state)
{
	struct svcconf c;
	char err[256];
	assert_int_equal(parse("{\"restart\":\"never\",\"depends_on\":[\"a\",\"b-2\"],"
			       "\"ready\":\"notify\",\"timeout\":5,\"grace\":0,"
			       "\"optional\":true,\"binds_state\":true,\"restart_limit\":3,"
			       "\"restart_window\":30,\"backoff_max\":8,"
			       "\"console\":true,"
			       "\"runtime\":{\"mkdir\":[\"/var/lib/a\"],\"mounts\":[]}}",
			       &c, err),
			 0);
	assert_int_equal(c.restart.mode, RESTART_NEVER);
	assert_int_equal(c.n_depends, 2);
	assert_string_equal(c.depends_on[1], "b-2");
	assert_int_equal(c.ready, READY_NOTIFY);
	assert_int_equal(c.timeout_s, 5);
	assert_int_equal(c.grace_s, 0);
	assert_true(c.optional && c.binds_state);
	assert_int_equal(c.restart.limit, 3);
	assert_int_equal(c.restart.window_ms, 30000);
	assert_int_equal(c.restart.max_ms, 8000);
	assert_true(c.console);
	svcconf_free(&c);
}

static void errors_name_the_key_and_fix(void **state)
{
	struct svcconf c;
	char err[256];
	const char *bad[][2] = {
	    {"{\"restart\":\"sometimes\"}",
	     "\"restart\": \"sometimes\" is not valid; expected always, on-failure or never"},
	    {"{\"depends_on\":\"a\"}", "\"depends_on\": expected a list of at most 64 service"},
	    {"{\"depends_on\":[\"../x\"]}", "\"depends_on[0]\": \"../x\" is not valid"},
	    {"{\"grace\":-1}", "\"grace\": \"-1\" is not valid; expected whole seconds"},
	    {"{\"timeout\":0}", "\"timeout\": \"0\" is not valid; expected whole seconds"},
	    {"{\"restart_limit\":100}",
	     "\"restart_limit\": \"100\" is not valid; expected a count"},
	    {"{\"optional\":1}", "\"optional\": expected true or false"},
	    {"{\"restrat\":\"always\"}", "\"restrat\": unknown key; see docs/design.md"},
	    {"{\"on_failure\":\"halt\"}", "\"on_failure\": for onboot and onshutdown containers"},
	    {"{\"runtime\":{\"interfaces\":[]}}", "\"runtime.interfaces\": for onboot containers"},
	    {"{\"runtime\":{\"bindNS\":{}}}", "\"runtime.bindNS\": for onboot containers"},
	    {"{\"runtime\":{\"mkdirs\":[]}}", "\"runtime.mkdirs\": unknown key"},
	    {"{\"runtime\":[]}", "\"runtime\": expected a mapping"},
	    {"[1]", "must hold a JSON object"},
	    {"{\"a\":1,\"a\":2}", "fix the JSON"},
	    {"{", "fix the JSON"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		assert_int_equal(parse(bad[i][0], &c, err), -1);
		assert_non_null(strstr(err, "x/stele.json"));
		if (!strstr(err, bad[i][1]))
			fail_msg("%s: got \"%s\", want \"%s\"", bad[i][0], err, bad[i][1]);
		assert_null(strchr(err, '\n'));
		svcconf_free(&c);
	}
}

static const char *SPEC = "{\"process\":{\"args\":[\"sh\"],\"terminal\":true,"
			  "\"env\":[\"PATH=/bin\",\"NOTIFY_SOCKET=/old\"]},"
			  "\"root\":{\"path\":\"/b/rootfs\"},"
			  "\"mounts\":[{\"destination\":\"/dev\",\"type\":\"tmpfs\"},"
			  "{\"destination\":\"/data\",\"type\":\"bind\","
			  "\"source\":\"/var/lib/db\",\"options\":[\"rbind\"]}]}";

static void spec_gets_notify_and_cgroup(void **state)
{
	char err[256];
	char *out = spec_adjust(SPEC, strlen(SPEC), "ns", "svc", "/run/stele/notify/svc", 4096, 0,
				err, sizeof err);
	assert_non_null(out);
	json_t *j = json_loads(out, 0, NULL);
	assert_non_null(j);
	assert_true(json_is_false(json_object_get(json_object_get(j, "process"), "terminal")));
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(j, "linux"), "cgroupsPath")),
	    "/ns/svc");
	/* Not the shim's -998 that a container would inherit. */
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(j, "process"), "oomScoreAdj")),
	    SPEC_OOM_SCORE_ADJ);
	json_t *env = json_object_get(json_object_get(j, "process"), "env");
	assert_int_equal(json_array_size(env), 2); /* replaced, not added twice */
	assert_string_equal(json_string_value(json_array_get(env, 1)),
			    "NOTIFY_SOCKET=" SPEC_NOTIFY_SOCKET);
	json_t *mounts = json_object_get(j, "mounts");
	json_t *last = json_array_get(mounts, json_array_size(mounts) - 1);
	assert_string_equal(json_string_value(json_object_get(last, "destination")),
			    SPEC_NOTIFY_DIR);
	assert_string_equal(json_string_value(json_object_get(last, "source")),
			    "/run/stele/notify/svc");
	json_decref(j);
	free(out);
}

static void spec_without_notify_is_left_alone(void **state)
{
	char err[256];
	char *out = spec_adjust(SPEC, strlen(SPEC), "ns", "svc", NULL, 4096, 0, err, sizeof err);
	assert_non_null(out);
	assert_null(strstr(out, SPEC_NOTIFY_DIR));
	free(out);
	const char *noargs = "{\"process\":{}}";
	assert_null(
	    spec_adjust(noargs, strlen(noargs), "ns", "svc", NULL, 4096, 0, err, sizeof err));
	assert_non_null(strstr(err, "process.args"));
	assert_null(spec_adjust("{", 1, "ns", "svc", NULL, 4096, 0, err, sizeof err));
}

static json_t *adjusted(const char *spec, unsigned pids)
{
	char err[256];
	char *out = spec_adjust(spec, strlen(spec), "ns", "svc", NULL, pids, 0, err, sizeof err);
	assert_non_null(out);
	json_t *j = json_loads(out, 0, NULL);
	free(out);
	assert_non_null(j);
	return j;
}

static void spec_gets_pids_limit_and_oom_score_unless_set(void **state)
{
	(void)state;
	json_t *j = adjusted(SPEC, 321);
	json_t *pids =
	    json_object_get(json_object_get(json_object_get(j, "linux"), "resources"), "pids");
	assert_int_equal(json_integer_value(json_object_get(pids, "limit")), 321);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(j, "process"), "oomScoreAdj")),
	    SPEC_OOM_SCORE_ADJ);
	json_decref(j);
	const char *own = "{\"process\":{\"args\":[\"sh\"],\"oomScoreAdj\":500},"
			  "\"linux\":{\"resources\":{\"pids\":{\"limit\":7}}}}";
	j = adjusted(own, 321);
	pids = json_object_get(json_object_get(json_object_get(j, "linux"), "resources"), "pids");
	assert_int_equal(json_integer_value(json_object_get(pids, "limit")), 7);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(j, "process"), "oomScoreAdj")), 500);
	json_decref(j);
}

static void pids_setting_is_read(void **state)
{
	(void)state;
	struct svcconf c;
	char err[256];
	svcconf_defaults(&c);
	assert_int_equal(c.pids, 4096);
	const char *json = "{\"pids\": 64}";
	assert_int_equal(svcconf_parse(json, strlen(json), "t", &c, err, sizeof err), 0);
	assert_int_equal(c.pids, 64);
	svcconf_free(&c);
	json = "{\"pids\": 0}";
	assert_int_equal(svcconf_parse(json, strlen(json), "t", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "pids"));
	svcconf_free(&c);
}

static const char *shim_group_of(const char *spec, unsigned group)
{
	static char value[64];
	char err[256];
	char *out =
	    spec_adjust(spec, strlen(spec), "ns", "svc", NULL, 4096, group, err, sizeof err);
	assert_non_null(out);
	json_t *j = json_loads(out, 0, NULL);
	assert_non_null(j);
	const char *g = json_string_value(
	    json_object_get(json_object_get(j, "annotations"), SPEC_SHIM_GROUP_KEY));
	snprintf(value, sizeof value, "%s", g ? g : "(none)");
	json_decref(j);
	free(out);
	return value;
}

static void services_share_a_shim_unless_the_spec_names_a_group(void **state)
{
	(void)state;
	assert_string_equal(shim_group_of(SPEC, 3), SPEC_SHIM_GROUP "-3");
	const char *own = "{\"process\":{\"args\":[\"x\"]},"
			  "\"annotations\":{\"a\":\"b\",\"" SPEC_SHIM_GROUP_KEY "\":\"db\"}}";
	assert_string_equal(shim_group_of(own, 3), "db");
}

/* The supervisor keeps the name a spec's group annotation gives. */
static void a_spec_s_shim_group_name_is_read_back(void **state)
{
	(void)state;
	char name[SPEC_SHIM_GROUP_NAME_MAX];
	const char *own = "{\"annotations\":{\"" SPEC_SHIM_GROUP_KEY "\":\"db\"}}";
	spec_shim_group_name(own, strlen(own), name, sizeof name);
	assert_string_equal(name, "db");
	spec_shim_group_name("{}", 2, name, sizeof name);
	assert_string_equal(name, "");
	spec_shim_group_name("{", 1, name, sizeof name);
	assert_string_equal(name, "");
	char spec[400], longname[300];
	memset(longname, 'g', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	snprintf(spec, sizeof spec, "{\"annotations\":{\"%s\":\"%s\"}}", SPEC_SHIM_GROUP_KEY,
		 longname);
	spec_shim_group_name(spec, strlen(spec), name, sizeof name);
	assert_int_equal(strlen(name), SPEC_SHIM_GROUP_NAME_MAX - 1);
}

/* At most SPEC_SHIM_GROUP_TASKS services a group, round robin, up to
 * SPEC_SHIM_GROUPS_MAX groups; then the groups grow evenly. */
static void default_groups_hold_few_services(void **state)
{
	(void)state;
	assert_int_equal(spec_shim_group(0, 1), 0);
	for (size_t n = 1; n <= 200; n++) {
		unsigned count[SPEC_SHIM_GROUPS_MAX] = {0}, max = 0, min = ~0u;
		size_t groups = 0;
		for (size_t i = 0; i < n; i++) {
			unsigned k = spec_shim_group(i, n);
			assert_true(k < SPEC_SHIM_GROUPS_MAX);
			assert_int_equal(k, spec_shim_group(i, n)); /* stable */
			count[k]++;
		}
		for (size_t k = 0; k < SPEC_SHIM_GROUPS_MAX; k++) {
			if (!count[k])
				continue;
			groups++;
			max = count[k] > max ? count[k] : max;
			min = count[k] < min ? count[k] : min;
		}
		assert_true(max - min <= 1);
		if (n <= SPEC_SHIM_GROUP_TASKS * SPEC_SHIM_GROUPS_MAX)
			assert_true(max <= SPEC_SHIM_GROUP_TASKS);
		else
			assert_int_equal(groups, SPEC_SHIM_GROUPS_MAX);
	}
}

static void binds_under(void **state)
{
	assert_true(spec_binds_under(SPEC, strlen(SPEC), "/var/lib"));
	assert_false(spec_binds_under(SPEC, strlen(SPEC), "/var/li"));
	assert_false(spec_binds_under(SPEC, strlen(SPEC), "/srv"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(defaults),
	    cmocka_unit_test(every_key),
	    cmocka_unit_test(errors_name_the_key_and_fix),
	    cmocka_unit_test(spec_gets_notify_and_cgroup),
	    cmocka_unit_test(spec_without_notify_is_left_alone),
	    cmocka_unit_test(spec_gets_pids_limit_and_oom_score_unless_set),
	    cmocka_unit_test(pids_setting_is_read),
	    cmocka_unit_test(services_share_a_shim_unless_the_spec_names_a_group),
	    cmocka_unit_test(a_spec_s_shim_group_name_is_read_back),
	    cmocka_unit_test(default_groups_hold_few_services),
	    cmocka_unit_test(binds_under),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
