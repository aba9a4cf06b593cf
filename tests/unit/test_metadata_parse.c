/* The metadata parser and the plan it produces: name and value checks,
 * LinuxKit trees, stele keys, NoCloud meta-data, the command line; and
 * plan_write() against a real directory with planted symlinks. */
// sources: metadata/buf.c metadata/base64.c metadata/validate.c
// sources: metadata/plan.c metadata/plan_write.c metadata/hostconf.c
// sources: metadata/meta.c metadata/userdata.c metadata/source.c
// sources: lib/log.c lib/fdio.c
#include "metadata/base64.h"
#include "metadata/meta.h"
#include "metadata/plan.h"
#include "metadata/source.h"
#include "metadata/userdata.h"
#include "metadata/validate.h"
#include "lib/log.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static void names(void **state)
{
	assert_null(check_name("authorized_keys"));
	assert_null(check_name("..hidden"));
	assert_non_null(check_name(""));
	assert_non_null(check_name("."));
	assert_non_null(check_name(".."));
	assert_non_null(check_name("a/b"));
	assert_non_null(check_name("/etc"));
	assert_non_null(check_name("a\nb"));
	char longname[300];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_non_null(check_name(longname));
}

static void perms(void **state)
{
	mode_t m = 0;
	assert_null(parse_perm("0644", &m));
	assert_int_equal(m, 0644);
	assert_null(parse_perm("600", &m));
	assert_int_equal(m, 0600);
	assert_non_null(parse_perm("4755", &m));
	assert_non_null(parse_perm("0o644", &m));
	assert_non_null(parse_perm("644 ", &m));
	assert_non_null(parse_perm("64", &m));
	assert_non_null(parse_perm("0648", &m));
	assert_non_null(parse_perm("", &m));
}

static void values(void **state)
{
	assert_null(check_hostname("web-1.example.com"));
	assert_non_null(check_hostname("-web"));
	assert_non_null(check_hostname("web-"));
	assert_non_null(check_hostname("a..b"));
	assert_non_null(check_hostname("a_b"));
	assert_null(check_sysctl_key("net.ipv4.ip_forward"));
	assert_non_null(check_sysctl_key("../../proc/x"));
	assert_null(check_password_hash("$6$salt$abc./"));
	assert_non_null(check_password_hash("$6$a:b"));
	assert_non_null(check_password_hash("plain"));
	assert_null(check_address("10.0.0.5/24", true));
	assert_null(check_address("fd00::1/64", true));
	assert_non_null(check_address("10.0.0.5/33", true));
	assert_non_null(check_address("10.0.0.5/24", false));
	assert_non_null(check_address("300.0.0.1", false));
	assert_true(utf8_valid("h\xc3\xa9llo \xf0\x9f\x98\x80", 11));
	assert_false(utf8_valid("\xc0\x80", 2));     /* overlong NUL */
	assert_false(utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
	assert_false(utf8_valid("\xe2\x82", 2));     /* truncated */
}

static void base64(void **state)
{
	struct buf out = BUF_INIT;
	assert_int_equal(base64_decode("aGVsbG8=", 8, &out), 0);
	assert_int_equal(out.len, 5);
	assert_string_equal(out.data, "hello");
	buf_reset(&out);
	assert_int_equal(base64_decode("aGVsbG8", 7, &out), 0);
	assert_string_equal(out.data, "hello");
	assert_int_equal(base64_decode("aGV*bG8=", 8, &out), -1);
	assert_int_equal(base64_decode("aG=Vs", 5, &out), -1);
	buf_free(&out);
}

static void plan_paths(void **state)
{
	struct plan p = PLAN_INIT;
	assert_int_equal(plan_add_file(&p, "a/b", 0644, "x", 1), 0);
	assert_int_equal(plan_add_file(&p, "../x", 0644, "x", 1), -1);
	assert_int_equal(plan_add_file(&p, "/x", 0644, "x", 1), -1);
	assert_int_equal(plan_add_file(&p, "a//b", 0644, "x", 1), -1);
	assert_int_equal(plan_add_dir(&p, "a/..", 0755), -1);
	assert_int_equal(plan_add_dir(&p, "a/", 0755), -1);
	assert_int_equal(p.count, 1);
	plan_free(&p);
}

static const struct entry *find(const struct plan *p, const char *path)
{
	for (size_t i = 0; i < p->count; i++)
		if (strcmp(p->entries[i].path, path) == 0)
			return &p->entries[i];
	return NULL;
}

static void tree_and_stele_keys(void **state)
{
	const char *ud = "{\"d\":{\"perm\":\"0700\",\"entries\":{\"f\":{\"perm\":\"0600\","
			 "\"content\":\"hi\"},\"../x\":{\"content\":\"no\"}}},"
			 "\"stele\":{\"hostname\":\"h1\",\"sysctl\":{\"vm.a\":2},"
			 "\"services\":{\"redis\":\"disable\"}}}";
	struct plan p = PLAN_INIT;
	struct hostconf hc;
	hostconf_init(&hc);
	assert_true(userdata_parse(ud, strlen(ud), &p, &hc));
	const struct entry *d = find(&p, "d"), *f = find(&p, "d/f");
	assert_non_null(d);
	assert_int_equal(d->kind, ENTRY_DIR);
	assert_int_equal(d->mode, 0700);
	assert_non_null(f);
	assert_int_equal(f->mode, 0600);
	assert_memory_equal(f->data, "hi", 2);
	assert_int_equal(p.count, 2); /* the traversal key planned nothing */
	assert_string_equal(hc.hostname, "h1");
	assert_string_equal(hc.sysctl.data, "vm.a = 2\n");
	assert_string_equal(hc.services_disabled.data, "redis\n");
	assert_false(userdata_parse("#!/bin/sh\n", 10, &p, &hc));
	assert_false(userdata_parse("{\"a\":", 5, &p, &hc));
	plan_free(&p);
	hostconf_free(&hc);
}

static void nocloud_meta(void **state)
{
	const char *md = "# comment\ninstance-id: iid-1\nlocal-hostname: 'h-2'\n"
			 "public-keys:\n  - ssh-rsa AAAA a\n  - ssh-rsa BBBB b\nregion: x\n";
	struct hostconf hc;
	hostconf_init(&hc);
	meta_parse_nocloud(&hc, md, strlen(md));
	assert_string_equal(hc.hostname, "h-2");
	assert_int_equal(hc.meta_count, 3);
	assert_string_equal(hc.meta[0].key, "instance-id");
	assert_string_equal(hc.meta[0].value, "iid-1");
	assert_string_equal(hc.ssh_keys.data, "ssh-rsa AAAA a\nssh-rsa BBBB b\n");
	hostconf_free(&hc);
}

static void command_line(void **state)
{
	const char *v;
	assert_int_equal(
	    cmdline_value("a=1 stele.hostname=x b stele.hostname=yy", "stele.hostname", &v), 2);
	assert_memory_equal(v, "yy", 2);
	assert_int_equal(cmdline_value("xstele.hostname=1", "stele.hostname", &v), -1);
	struct source src;
	source_init(&src);
	buf_puts(&src.cmdline, "console=ttyS0 stele.userdata=e30= stele.hostname=c-1");
	assert_int_equal(source_from_cmdline(&src), 1);
	assert_string_equal(src.hc.userdata.data, "{}");
	struct plan p = PLAN_INIT;
	source_plan(&src, &p);
	const struct entry *h = find(&p, "hostname");
	assert_non_null(h);
	assert_memory_equal(h->data, "c-1\n", 4);
	plan_free(&p);
	source_free(&src);
}

static void write_refuses_symlinks(void **state)
{
	char root[] = "/tmp/test-metadata.XXXXXX";
	assert_non_null(mkdtemp(root));
	char path[512], outside[256];
	snprintf(outside, sizeof outside, "%s/outside", root);
	assert_int_equal(mkdir(outside, 0755), 0);
	snprintf(path, sizeof path, "%s/out", root);
	assert_int_equal(mkdir(path, 0755), 0);
	int rootfd = open(path, O_RDONLY | O_DIRECTORY);
	assert_true(rootfd >= 0);
	assert_int_equal(symlinkat(outside, rootfd, "dir"), 0);
	assert_int_equal(symlinkat("../outside/file", rootfd, "file"), 0);

	struct plan p = PLAN_INIT;
	plan_add_file(&p, "dir/x", 0644, "no", 2);
	plan_add_file(&p, "file", 0640, "yes", 3);
	plan_add_file(&p, "new/deep/f", 0600, "ok", 2);
	assert_int_equal(plan_write(rootfd, &p), 1);
	plan_free(&p);

	struct stat st;
	assert_int_equal(fstatat(rootfd, "file", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(fstatat(rootfd, "new/deep/f", &st, AT_SYMLINK_NOFOLLOW), 0);
	snprintf(path, sizeof path, "%s/x", outside);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof path, "%s/file", outside);
	assert_int_equal(access(path, F_OK), -1);
	close(rootfd);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	log_set_kmsg(false);
	log_set_level(LOG_ERR);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(names),
	    cmocka_unit_test(perms),
	    cmocka_unit_test(values),
	    cmocka_unit_test(base64),
	    cmocka_unit_test(plan_paths),
	    cmocka_unit_test(tree_and_stele_keys),
	    cmocka_unit_test(nocloud_meta),
	    cmocka_unit_test(command_line),
	    cmocka_unit_test(write_refuses_symlinks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
