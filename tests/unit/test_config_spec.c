// sources: builder/spec.c builder/seccomp.c schema/check.c schema/fields.c
/* spec: the hardened defaults and the merge rules of config.json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "builder/spec.h"
#include "lib/log.h"

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	assert_non_null(j);
	return j;
}

/* config.json for a YAML entry (JSON text) and an image config. */
static json_t *build(const char *entry, const char *image)
{
	json_t *e = parse(entry), *i = parse(image);
	json_t *merged = spec_merge(e, i);
	json_t *spec = spec_config(merged, i, "/nonexistent", "test.yml:1: services[0]");
	json_decref(merged);
	json_decref(e);
	json_decref(i);
	return spec;
}

static const char *str(json_t *spec, const char *path)
{
	json_t *v = spec;
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *save, *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save))
		v = json_object_get(v, k);
	static char out[4096];
	char *dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	snprintf(out, sizeof out, "%s", dump ? dump : "null");
	free(dump);
	return out;
}

static void test_defaults_are_hardened(void **state)
{
	json_t *s = build("{\"name\":\"a\",\"command\":[\"/x\"]}", "{}");
	assert_non_null(s);
	assert_string_equal(str(s, "process.capabilities.bounding"), "[]");
	assert_string_equal(str(s, "process.capabilities.inheritable"), "[]");
	assert_string_equal(str(s, "process.noNewPrivileges"), "true");
	assert_string_equal(str(s, "root.readonly"), "true");
	assert_string_equal(str(s, "linux.seccomp.defaultAction"), "\"SCMP_ACT_ERRNO\"");
	assert_string_equal(str(s, "linux.namespaces"),
			    "[{\"type\":\"pid\"},{\"type\":\"mount\"}]");
	assert_non_null(strstr(str(s, "linux.maskedPaths"), "\"/proc/kcore\""));
	assert_string_equal(str(s, "process.cwd"), "\"/\"");
	json_decref(s);
}

static void test_capability_keywords(void **state)
{
	json_t *s = build("{\"name\":\"a\",\"command\":[\"/x\"],\"capabilities\":[\"all\"]}", "{}");
	assert_true(
	    json_array_size(json_object_get(
		json_object_get(json_object_get(s, "process"), "capabilities"), "bounding")) > 30);
	json_decref(s);
	s = build(
	    "{\"name\":\"a\",\"command\":[\"/x\"],\"capabilities\":[\"all\",\"none\",\"chown\"]}",
	    "{}");
	assert_string_equal(str(s, "process.capabilities.effective"), "[\"CAP_CHOWN\"]");
	json_decref(s);
}

static void test_label_defaults_and_additions(void **state)
{
	const char *image =
	    "{\"Labels\":{\"org.mobyproject.config\":"
	    "\"{\\\"capabilities\\\":[\\\"CAP_KILL\\\"],\\\"binds\\\":[\\\"/a:/a\\\"]}\"},"
	    "\"Entrypoint\":[\"/bin/e\"],\"Cmd\":[\"c\"],\"Env\":[\"A=1\",\"B=2\"]}";
	json_t *s = build("{\"name\":\"a\",\"capabilities.add\":[\"CAP_CHOWN\"],"
			  "\"binds.add\":[\"/b:/b:ro\"],\"env\":[\"B=3\"]}",
			  image);
	assert_string_equal(str(s, "process.capabilities.permitted"),
			    "[\"CAP_KILL\",\"CAP_CHOWN\"]");
	assert_string_equal(str(s, "process.args"), "[\"/bin/e\",\"c\"]");
	/* LinuxKit's env: the YAML's replaces the image's whole. */
	assert_null(strstr(str(s, "process.env"), "\"A=1\""));
	assert_non_null(strstr(str(s, "process.env"), "\"B=3\""));
	const char *mounts = str(s, "mounts");
	assert_non_null(strstr(mounts, "\"destination\":\"/a\""));
	assert_non_null(strstr(mounts, "\"destination\":\"/b\",\"type\":\"bind\",\"source\":\"/b\","
				       "\"options\":[\"ro\",\"rbind\"]"));
	json_decref(s);
	/* capabilities in the YAML replace the label's. */
	s = build("{\"name\":\"a\",\"capabilities\":[\"CAP_NET_RAW\"]}", image);
	assert_string_equal(str(s, "process.capabilities.permitted"), "[\"CAP_NET_RAW\"]");
	json_decref(s);
}

static void test_dev_bind_drops_default_submounts(void **state)
{
	json_t *s = build("{\"name\":\"a\",\"command\":[\"/x\"],\"binds\":[\"/dev:/dev\"]}", "{}");
	const char *mounts = str(s, "mounts");
	assert_null(strstr(mounts, "/dev/pts"));
	assert_null(strstr(mounts, "/dev/mqueue"));
	assert_non_null(strstr(mounts, "\"destination\":\"/dev\",\"type\":\"bind\""));
	json_decref(s);
}

static void test_bind_options(void **state)
{
	json_t *s = build("{\"name\":\"a\",\"command\":[\"/x\"],"
			  "\"binds\":[\"/c:/c:rshared,ro\",\"/d:/d:rw\",\"/e:/e:rom\"]}",
			  "{}");
	const char *mounts = str(s, "mounts");
	/* LinuxKit's: the given options and rbind. */
	assert_non_null(
	    strstr(mounts, "\"source\":\"/c\",\"options\":[\"rshared\",\"ro\",\"rbind\"]"));
	assert_non_null(strstr(mounts, "\"source\":\"/d\",\"options\":[\"rw\",\"rbind\"]"));
	assert_non_null(strstr(mounts, "\"source\":\"/e\",\"options\":[\"rom\",\"rbind\"]"));
	json_decref(s);
}

static void test_bad_input_is_refused(void **state)
{
	assert_null(
	    build("{\"name\":\"a\",\"command\":[\"/x\"],\"binds\":[\"rel/ative:/x\"]}", "{}"));
	assert_null(build("{\"name\":\"a\"}", "{}")); /* no command anywhere */
	assert_null(build("{\"name\":\"a\",\"command\":[\"/x\"],\"uid\":\"nobody\"}", "{}"));
	/* a new user namespace needs both mappings */
	assert_null(build("{\"name\":\"a\",\"command\":[\"/x\"],\"userns\":\"new\","
			  "\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}",
			  "{}"));
}

/* In its own user namespace, sysfs and mqueue are mounted only in network
 * and ipc namespaces it makes; the host's are bound otherwise. */
static void test_userns_mounts(void **state)
{
	static const char maps[] = "\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}],"
				   "\"gidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]";
	char entry[512];
	snprintf(entry, sizeof entry, "{\"name\":\"a\",\"command\":[\"/x\"],\"userns\":\"new\",%s}",
		 maps);
	json_t *s = build(entry, "{}");
	const char *mounts = str(s, "mounts");
	assert_non_null(
	    strstr(mounts, "{\"destination\":\"/sys\",\"type\":\"bind\",\"source\":\"/sys\""));
	assert_non_null(strstr(mounts, "{\"destination\":\"/dev/mqueue\",\"type\":\"bind\""));
	json_decref(s);
	snprintf(entry, sizeof entry,
		 "{\"name\":\"a\",\"command\":[\"/x\"],\"userns\":\"new\",\"net\":\"new\","
		 "\"ipc\":\"new\",%s}",
		 maps);
	s = build(entry, "{}");
	mounts = str(s, "mounts");
	assert_non_null(strstr(mounts, "\"type\":\"sysfs\""));
	assert_non_null(strstr(mounts, "\"type\":\"mqueue\""));
	json_decref(s);
}

/* insecure: true sets the getty's switch, over an env entry of the same
 * name; false or absent leaves the environment alone. */
static void test_insecure(void **state)
{
	json_t *s = build("{\"name\":\"a\",\"command\":[\"/x\"],\"insecure\":true,"
			  "\"env\":[\"STELE_GETTY_INSECURE=0\",\"K=v\"]}",
			  "{}");
	const char *env = str(s, "process.env");
	assert_non_null(strstr(env, "\"K=v\",\"" SPEC_INSECURE_ENV "\""));
	assert_null(strstr(env, "STELE_GETTY_INSECURE=0"));
	json_decref(s);
	s = build("{\"name\":\"a\",\"command\":[\"/x\"],\"insecure\":false}", "{}");
	assert_null(strstr(str(s, "process.env"), "STELE_GETTY_INSECURE"));
	json_decref(s);
}

static void test_stele_json(void **state)
{
	json_t *e =
	    parse("{\"restart\":\"always\",\"binds\":[\"/var/lib/x:/x\"],\"command\":[\"/x\"]}");
	json_t *s = spec_stele(e, "/var/lib");
	assert_string_equal(str(s, "restart"), "\"always\"");
	assert_string_equal(str(s, "binds_state"), "true");
	json_decref(s);
	s = spec_stele(e, "/srv");
	assert_string_equal(str(s, "binds_state"), "null");
	json_decref(s);
	json_decref(e);
}

int main(void)
{
	log_init_host("stele");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_are_hardened),
	    cmocka_unit_test(test_capability_keywords),
	    cmocka_unit_test(test_label_defaults_and_additions),
	    cmocka_unit_test(test_dev_bind_drops_default_submounts),
	    cmocka_unit_test(test_bind_options),
	    cmocka_unit_test(test_bad_input_is_refused),
	    cmocka_unit_test(test_userns_mounts),
	    cmocka_unit_test(test_insecure),
	    cmocka_unit_test(test_stele_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
