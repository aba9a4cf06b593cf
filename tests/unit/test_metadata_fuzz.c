/* Replays the libFuzzer seed corpus (tests/fuzz/corpus) through a normal
 * build of the fuzz target, so `make test` catches a regression on any
 * input the fuzzer ever kept. `make fuzz` runs the real fuzzer. */
// sources: tests/fuzz/fuzz_userdata.c tests/fuzz/replay.c metadata/buf.c metadata/base64.c
// sources: metadata/validate.c metadata/plan.c metadata/hostconf.c
// sources: metadata/meta.c metadata/userdata.c metadata/source.c
// sources: lib/log.c
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/fuzz/replay.h"

static void replay_corpus(void **state)
{
	assert_true(fuzz_replay("tests/fuzz/corpus") >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(replay_corpus)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
