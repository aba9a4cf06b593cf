// sources: boot/hostname.c boot/readfile.c lib/log.c
/* hostname: validity, and the MAC-based name from a /sys/class/net tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "boot/hostname.h"
#include "lib/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static void valid_names(void **state)
{
	assert_true(hostname_is_valid("stele"));
	assert_true(hostname_is_valid("web-1.example.com"));
	assert_false(hostname_is_valid(""));
	assert_false(hostname_is_valid("-x"));
	assert_false(hostname_is_valid(".x"));
	assert_false(hostname_is_valid("a b"));
	assert_false(hostname_is_valid("a/b"));
	assert_false(
	    hostname_is_valid("a2345678901234567890123456789012345678901234567890123456789012345"));
}

static void add_iface(const char *dir, const char *name, const char *type, const char *mac)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, "%s/%s/type", dir, name);
	FILE *f = fopen(path, "w");
	fprintf(f, "%s\n", type);
	fclose(f);
	snprintf(path, sizeof path, "%s/%s/address", dir, name);
	f = fopen(path, "w");
	fprintf(f, "%s\n", mac);
	fclose(f);
}

static void first_ethernet_mac_by_name(void **state)
{
	char dir[] = "/tmp/stele-net-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char name[65];
	hostname_from_mac(dir, name, sizeof name);
	assert_string_equal(name, "stele"); /* no interface at all */
	add_iface(dir, "lo", "772", "00:00:00:00:00:00");
	add_iface(dir, "eth1", "1", "52:54:00:00:00:02");
	add_iface(dir, "eth0", "1", "52:54:00:12:34:56");
	add_iface(dir, "dummy", "1", "00:00:00:00:00:00");
	hostname_from_mac(dir, name, sizeof name);
	assert_string_equal(name, "stele-525400123456");
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	log_set_kmsg(false);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(valid_names),
	    cmocka_unit_test(first_ethernet_mac_by_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
