/* phase: one step of PID 1's boot, run in order from the table in main.c.
 *
 * Contract: a phase function gets init's settings and returns 0 when it
 * did its work, non-zero when it did not; it reports its own errors (one
 * line each) and never exits. A failing phase is marked "failed" in the
 * timeline and boot goes on with the next one. */
#ifndef STELE_INIT_PHASE_H
#define STELE_INIT_PHASE_H

#include "boot/settings.h"

typedef int phase_fn(struct settings *settings);

struct phase {
	const char *name; /* the timeline name: an identifier */
	phase_fn *run;
};

#endif
