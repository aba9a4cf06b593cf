// sources: builder/meta.c builder/fsutil.c
/* meta: records replace each other by path, whiteouts drop subtrees, and
 * the overrides file is sorted whatever the order of the records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builder/fsutil.h"
#include "builder/meta.h"
#include "lib/log.h"

static char *written(struct meta *m)
{
	char path[] = "/tmp/test_config_meta.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(meta_write(m, path), 0);
	char *text = read_text(path, NULL);
	unlink(path);
	return text;
}

static void test_sorted_and_replaced(void **state)
{
	struct meta m = {0};
	assert_int_equal(meta_own(&m, "b/file", 1, 1, -1), 0);
	assert_int_equal(meta_node(&m, "/a/dev/null", 0666, 0, 0, 'c', 1, 3), 0);
	assert_int_equal(meta_own(&m, "b/file", 2, 3, 0600), 0); /* replaces */
	assert_int_equal(meta_dir(&m, "a", 0755, 0, 0), 0);
	char *text = written(&m);
	assert_string_equal(text, "dir /a 0755 0 0\n"
				  "nod /a/dev/null 0666 0 0 c 1 3\n"
				  "own /b/file 2 3 0600\n");
	free(text);
	meta_free(&m);
}

static void test_forget_drops_a_subtree_only(void **state)
{
	struct meta m = {0};
	meta_own(&m, "r/etc", 0, 0, 0700);
	meta_own(&m, "r/etc/x", 5, 5, -1);
	meta_own(&m, "r/etcetera", 6, 6, -1);
	meta_forget(&m, "r/etc");
	assert_null(meta_find(&m, "r/etc"));
	assert_null(meta_find(&m, "r/etc/x"));
	assert_non_null(meta_find(&m, "r/etcetera"));
	meta_own(&m, "r/a", 7, 7, -1);
	meta_own(&m, "r/a/b", 8, 8, -1);
	meta_forget_one(&m, "r/a");
	assert_null(meta_find(&m, "r/a"));
	assert_non_null(meta_find(&m, "/r/a/b"));
	meta_free(&m);
}

int main(void)
{
	log_init_host("stele");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sorted_and_replaced),
	    cmocka_unit_test(test_forget_drops_a_subtree_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
