/* teststop: a test-only stop inside `stelectl update`, so that a test can
 * cut the power at a named step and show that the disk still boots a
 * good slot. Compiled in always (the binary tested is the binary
 * shipped); armed only by the environment variable STELE_TEST_UPDATE_STOP,
 * which nothing on a host sets.
 *
 * Contract: update_test_stop(STEP), where STEP is one of
 *   write    the new slot's bytes written to stele-X.tmp, not yet fsynced
 *   rename   stele-X.tmp renamed stele-X+TRIES.efi (the first rename of
 *            rename_durable, slots.h), before its fsyncs
 *   default  loader.conf's new text fsynced in loader/loader.tmp, not yet
 *            renamed over loader.conf
 * returns at once unless the variable names STEP; then it says so in one
 * line on /dev/console (stderr without one), syncs nothing more and
 * sleeps, bounded by UPDATE_TEST_STOP_S, then exits 3. */
#ifndef STELE_UPDATE_TESTSTOP_H
#define STELE_UPDATE_TESTSTOP_H

#define UPDATE_TEST_STOP_ENV "STELE_TEST_UPDATE_STOP"
#define UPDATE_TEST_STOP_S   600

void update_test_stop(const char *step);

#endif
