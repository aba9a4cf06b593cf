/* Replays the control fuzz target's seed corpus (tests/fuzz/corpus-control)
 * through a build with ASan and UBSan (supervisor/build.mk), so `make test`
 * catches a regression on any input the fuzzer ever kept. `make fuzz` runs
 * the real fuzzer. */
// sources: tests/fuzz/fuzz_control.c tests/fuzz/replay.c supervisor/control_parse.c
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/fuzz/replay.h"

static void replay_corpus(void **state)
{
	assert_true(fuzz_replay("tests/fuzz/corpus-control") >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(replay_corpus)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
