#include "update/teststop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void update_test_stop(const char *step)
{
	const char *want = getenv(UPDATE_TEST_STOP_ENV);
	if (!want || strcmp(want, step) != 0)
		return;
	FILE *f = fopen("/dev/console", "we");
	fprintf(f ? f : stderr, "stele: update: test stop at step %s: cut the power now\n", step);
	if (f)
		fclose(f);
	/* Bounded: a test that forgets the cut gets its host back. */
	for (int i = 0; i < UPDATE_TEST_STOP_S; i++)
		sleep(1);
	_exit(3);
}
