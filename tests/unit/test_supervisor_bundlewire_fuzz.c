/* Replays the bundle wire fuzz target's seed corpus
 * (tests/fuzz/corpus-bundlewire) through a build with ASan and UBSan
 * (tests/build.mk), so `make test` catches a regression on any input the
 * fuzzer ever kept. `make fuzz` runs the real fuzzer. */
// clang-format off
// sources: tests/fuzz/fuzz_bundlewire.c tests/fuzz/replay.c supervisor/bundlewire.c supervisor/svcconf.c supervisor/restart.c hostlib/settings.c lib/error.c schema/check.c schema/fields.c
// clang-format on
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/fuzz/replay.h"

static void replay_corpus(void **state)
{
	assert_true(fuzz_replay("tests/fuzz/corpus-bundlewire") >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(replay_corpus)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
