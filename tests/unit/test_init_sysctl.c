// sources: boot/sysctl.c boot/readfile.c lib/log.c
/* sysctl: sysctl.conf syntax, key to path, and applying a file to a tree
 * that stands in for /proc/sys (a real directory: writes are real). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "lib/log.h"
#include "boot/sysctl.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int parse(const char *text, struct sysctl_entry *e, char *buf, size_t len)
{
	const char *why = NULL;
	snprintf(buf, len, "%s", text);
	int r = sysctl_parse_line(buf, e, &why);
	if (r < 0)
		assert_non_null(why);
	return r;
}

static void comments_blank_and_spaces(void **state)
{
	struct sysctl_entry e;
	char buf[128];
	assert_int_equal(parse("", &e, buf, sizeof buf), 0);
	assert_int_equal(parse("   \t", &e, buf, sizeof buf), 0);
	assert_int_equal(parse("# net.ipv4.ip_forward = 1", &e, buf, sizeof buf), 0);
	assert_int_equal(parse("  ; a comment", &e, buf, sizeof buf), 0);
	assert_int_equal(parse("  net.ipv4.ip_forward   =   1  ", &e, buf, sizeof buf), 1);
	assert_string_equal(e.key, "net.ipv4.ip_forward");
	assert_string_equal(e.value, "1");
	assert_false(e.may_fail);
	assert_int_equal(parse("kernel.printk=4 4 1 7", &e, buf, sizeof buf), 1);
	assert_string_equal(e.value, "4 4 1 7"); /* inner spaces kept */
	assert_int_equal(parse("-vm.nonexistent = 3", &e, buf, sizeof buf), 1);
	assert_true(e.may_fail);
	assert_string_equal(e.key, "vm.nonexistent");
	assert_int_equal(parse("vm.empty =", &e, buf, sizeof buf), 1);
	assert_string_equal(e.value, "");
}

static void bad_lines(void **state)
{
	struct sysctl_entry e;
	char buf[128];
	assert_int_equal(parse("net.ipv4.ip_forward 1", &e, buf, sizeof buf), -1);
	assert_int_equal(parse("= 1", &e, buf, sizeof buf), -1);
	assert_int_equal(parse("net ipv4 = 1", &e, buf, sizeof buf), -1);
	assert_int_equal(parse("- = 1", &e, buf, sizeof buf), -1);
}

static void keys_to_paths(void **state)
{
	char path[256];
	assert_int_equal(sysctl_key_path("net.ipv4.ip_forward", "/proc/sys", path, sizeof path), 0);
	assert_string_equal(path, "/proc/sys/net/ipv4/ip_forward");
	/* A slash first: slashes separate, dots belong to names (VLANs). */
	assert_int_equal(
	    sysctl_key_path("net/ipv4/conf/eth0.1/rp_filter", "/proc/sys", path, sizeof path), 0);
	assert_string_equal(path, "/proc/sys/net/ipv4/conf/eth0.1/rp_filter");
	/* A dot first: a slash is a dot inside a name. */
	assert_int_equal(
	    sysctl_key_path("net.ipv4.conf.eth0/1.rp_filter", "/proc/sys", path, sizeof path), 0);
	assert_string_equal(path, "/proc/sys/net/ipv4/conf/eth0.1/rp_filter");
	/* Nothing may climb out of /proc/sys. */
	assert_int_equal(sysctl_key_path("net/../../etc/x", "/proc/sys", path, sizeof path), -1);
	assert_int_equal(sysctl_key_path("net..ipv4", "/proc/sys", path, sizeof path), -1);
	assert_int_equal(sysctl_key_path(".net", "/proc/sys", path, sizeof path), -1);
	assert_int_equal(sysctl_key_path("net.", "/proc/sys", path, sizeof path), -1);
}

static char root[] = "/tmp/stele-sysctl-XXXXXX";

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_text(const char *path)
{
	static char buf[128];
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void apply_file_reports_and_goes_on(void **state)
{
	assert_non_null(mkdtemp(root));
	char path[300], conf[300];
	snprintf(path, sizeof path, "%s/vm", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, "%s/vm/swappiness", root);
	write_text(path, "60");
	snprintf(conf, sizeof conf, "%s/test.conf", root);
	write_text(conf, "# comment\n"
			 "vm.swappiness = 13\n"
			 "vm.unknown = 1\n"
			 "-vm.also_unknown = 1\n"
			 "a line without equals\n"
			 "net..bad = 1\n");
	/* Three problems: unknown key, bad line, bad key; '-' is silent. */
	assert_int_equal(sysctl_apply_file(conf, root), 3);
	assert_string_equal(read_text(path), "13");
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	log_set_kmsg(false);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(comments_blank_and_spaces),
	    cmocka_unit_test(bad_lines),
	    cmocka_unit_test(keys_to_paths),
	    cmocka_unit_test(apply_file_reports_and_goes_on),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
