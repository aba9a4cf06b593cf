/* Replays the libFuzzer seed corpus (tests/fuzz/corpus) through a normal
 * build of the fuzz target, so `make test` catches a regression on any
 * input the fuzzer ever kept. `make fuzz` runs the real fuzzer. */
// sources: tests/fuzz/fuzz_userdata.c metadata/buf.c metadata/base64.c
// sources: metadata/validate.c metadata/plan.c metadata/hostconf.c
// sources: metadata/meta.c metadata/userdata.c metadata/source.c
// sources: lib/log.c
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CORPUS "tests/fuzz/corpus"

static void replay_corpus(void **state)
{
	DIR *dir = opendir(CORPUS);
	assert_non_null(dir);
	int replayed = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		char path[512];
		snprintf(path, sizeof path, "%s/%s", CORPUS, e->d_name);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		static uint8_t data[4 << 20];
		size_t n = fread(data, 1, sizeof data, f);
		fclose(f);
		assert_int_equal(LLVMFuzzerTestOneInput(data, n), 0);
		replayed++;
	}
	closedir(dir);
	assert_true(replayed >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(replay_corpus)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
