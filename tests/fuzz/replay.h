/* Replays a libFuzzer corpus through LLVMFuzzerTestOneInput in a normal
 * build: every file of DIR (dot files skipped), each at most 4 MiB.
 * Returns how many were replayed (also printed, as the reliability
 * report's "# figure:" line), or -1 when DIR cannot be read or an input
 * returned non-zero. */
#ifndef STELE_TESTS_FUZZ_REPLAY_H
#define STELE_TESTS_FUZZ_REPLAY_H

int fuzz_replay(const char *dir);

#endif
