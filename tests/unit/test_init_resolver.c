// sources: boot/resolver.c boot/readfile.c lib/fdio.c lib/log.c
/* resolver: the boot-time resolver file, empty or from userdata; never
 * through a symlink. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "boot/resolver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct dirs {
	char top[64];
	char run[128];
	char file[160];
	char userdata[128];
};

static int make_dirs(void **state)
{
	struct dirs *d = calloc(1, sizeof *d);
	snprintf(d->top, sizeof d->top, "/tmp/stele-resolver-XXXXXX");
	assert_non_null(mkdtemp(d->top));
	snprintf(d->run, sizeof d->run, "%s/resolvconf", d->top);
	snprintf(d->file, sizeof d->file, "%s/resolv.conf", d->run);
	snprintf(d->userdata, sizeof d->userdata, "%s/userdata-resolv.conf", d->top);
	*state = d;
	return 0;
}

static int remove_dirs(void **state)
{
	struct dirs *d = *state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", d->top);
	free(d);
	return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void empty_without_userdata(void **state)
{
	struct dirs *d = *state;
	assert_int_equal(resolver_prepare(d->run, d->userdata), 0);
	struct stat st;
	assert_int_equal(stat(d->run, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(stat(d->file, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(st.st_size, 0);
}

static void userdata_nameservers_copied(void **state)
{
	struct dirs *d = *state;
	spit(d->userdata, "nameserver 192.0.2.53\nnameserver 2001:db8::53\n");
	assert_int_equal(resolver_prepare(d->run, d->userdata), 0);
	assert_string_equal(slurp(d->file), "nameserver 192.0.2.53\nnameserver 2001:db8::53\n");
}

/* Containers bind the file's inode: a second run rewrites the same one. */
static void rewritten_in_place(void **state)
{
	struct dirs *d = *state;
	spit(d->userdata, "nameserver 192.0.2.1\nnameserver 192.0.2.2\n");
	assert_int_equal(resolver_prepare(d->run, d->userdata), 0);
	struct stat before, after;
	assert_int_equal(stat(d->file, &before), 0);
	spit(d->userdata, "nameserver 192.0.2.3\n");
	assert_int_equal(resolver_prepare(d->run, d->userdata), 0);
	assert_int_equal(stat(d->file, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	assert_string_equal(slurp(d->file), "nameserver 192.0.2.3\n");
}

static void symlinks_refused(void **state)
{
	struct dirs *d = *state;
	char target[160];
	snprintf(target, sizeof target, "%s/elsewhere", d->top);
	spit(target, "untouched\n");
	assert_int_equal(mkdir(d->run, 0755), 0);
	assert_int_equal(symlink(target, d->file), 0);
	assert_int_equal(resolver_prepare(d->run, d->userdata), -1);
	assert_string_equal(slurp(target), "untouched\n");

	char linked_dir[160];
	snprintf(linked_dir, sizeof linked_dir, "%s/linked", d->top);
	assert_int_equal(symlink(d->top, linked_dir), 0);
	assert_int_equal(resolver_prepare(linked_dir, d->userdata), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(empty_without_userdata, make_dirs, remove_dirs),
	    cmocka_unit_test_setup_teardown(userdata_nameservers_copied, make_dirs, remove_dirs),
	    cmocka_unit_test_setup_teardown(rewritten_in_place, make_dirs, remove_dirs),
	    cmocka_unit_test_setup_teardown(symlinks_refused, make_dirs, remove_dirs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
