// sources: lib/timeline.c
/* timeline: appended marks come back as one well-formed JSON array. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "lib/timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/stele-timeline-XXXXXX";

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char buf[4096];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void marks_are_exported_in_order(void **state)
{
	assert_non_null(mkdtemp(dir));
	timeline_set_dir(dir);
	assert_int_equal(timeline_mark("init", "phase", "mounts", "start"), 0);
	assert_int_equal(timeline_mark("init", "phase", "mo\"unts", "end"), 0);
	assert_int_equal(timeline_export(), 0);
	char path[300];
	snprintf(path, sizeof path, "%s/boot-timeline.json", dir);
	char *json = slurp(path);
	assert_true(json[0] == '[');
	char *first = strstr(json, "\"event\":\"start\"");
	char *second = strstr(json, "\"event\":\"end\"");
	assert_non_null(first);
	assert_non_null(second);
	assert_true(first < second);
	/* A quote in a name is dropped, never breaks the JSON. */
	assert_non_null(strstr(json, "\"name\":\"mounts\",\"event\":\"end\""));
	assert_true(boottime_ms() > 0);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(marks_are_exported_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
