// sources: lib/fdio.c containerd/config.c
/* config: the containerd config.toml stele writes: where things live, what
 * is disabled, and refusals instead of a config containerd cannot parse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "containerd/ctrd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];
static char path[128];

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/ctrd-config.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/config.toml", dir);
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	rmdir(dir);
	return 0;
}

static char *slurp(const char *file)
{
	static char buf[8192];
	FILE *f = fopen(file, "re");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_writes_paths_and_disables_cri(void **state)
{
	struct ctrd_config cfg = {.root = "/var/lib/containerd", .state = "/run/containerd"};
	assert_int_equal(ctrd_config_write(path, &cfg), 0);
	const char *text = slurp(path);
	assert_non_null(strstr(text, "version = 2\n"));
	assert_non_null(strstr(text, "root = \"/var/lib/containerd\"\n"));
	assert_non_null(strstr(text, "state = \"/run/containerd\"\n"));
	assert_non_null(strstr(text, "[grpc]\n  address = \"" CTRD_SOCKET "\"\n"));
	assert_non_null(strstr(text, "\"io.containerd.grpc.v1.cri\","));
	assert_non_null(strstr(text, "level = \"warn\""));
	/* the plugins the tasks service needs stay enabled */
	assert_null(strstr(text, "io.containerd.snapshotter.v1.native"));
	assert_null(strstr(text, "io.containerd.runtime.v1.linux"));
	char tmp[160];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	assert_int_equal(access(tmp, F_OK), -1); /* renamed into place */
}

static void test_socket_and_level_given(void **state)
{
	struct ctrd_config cfg = {
	    .root = "/r", .state = "/s", .sock = "/tmp/x.sock", .log_level = "debug"};
	assert_int_equal(ctrd_config_write(path, &cfg), 0);
	const char *text = slurp(path);
	assert_non_null(strstr(text, "address = \"/tmp/x.sock\""));
	assert_non_null(strstr(text, "address = \"/s/containerd.sock.ttrpc\""));
	assert_non_null(strstr(text, "level = \"debug\""));
}

static void test_refuses_what_toml_would_need_escaped(void **state)
{
	struct ctrd_config quote = {.root = "/a\"b", .state = "/s"};
	errno = 0;
	assert_int_equal(ctrd_config_write(path, &quote), -1);
	assert_int_equal(errno, EINVAL);
	struct ctrd_config empty = {.root = "", .state = "/s"};
	assert_int_equal(ctrd_config_write(path, &empty), -1);
	struct ctrd_config missing = {.root = "/r"};
	assert_int_equal(ctrd_config_write(path, &missing), -1);
	assert_int_equal(access(path, F_OK), -1); /* nothing written */
}

static void test_unwritable_place_fails(void **state)
{
	struct ctrd_config cfg = {.root = "/r", .state = "/s"};
	errno = 0;
	assert_int_equal(ctrd_config_write("/nonexistent/dir/config.toml", &cfg), -1);
	assert_int_equal(errno, ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_writes_paths_and_disables_cri, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_socket_and_level_given, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refuses_what_toml_would_need_escaped, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_unwritable_place_fails, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
