/* Replays the builder's libFuzzer seed corpus (tests/fuzz/corpus-config)
 * through a normal build of the fuzz target (YAML loader, label merge,
 * spec generation), so `make test` catches a regression on any input the
 * fuzzer ever kept. `make fuzz` runs the real fuzzer. */
// sources: tests/fuzz/fuzz_config.c tests/fuzz/replay.c builder/schema.c
// sources: builder/yamlconv.c builder/spec.c builder/seccomp.c hostlib/settings.c
// sources: lib/error.c schema/check.c schema/fields.c
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/fuzz/replay.h"

static void replay_corpus(void **state)
{
	assert_true(fuzz_replay("tests/fuzz/corpus-config") >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(replay_corpus)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
