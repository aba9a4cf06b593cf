/* analyze: `stelectl analyze`, the boot timeline read back.
 *
 * Contract: analyze_load() reads /run/stele/boot-timeline.json (an array of
 * {"t_ms","src","kind","name","event"}, lib/timeline.h) and pairs events into
 * spans: a phase or onboot container from "start" to "end"; a service from
 * its first "start" to its first "ready" (or "running", or "failed"). The
 * time of the "boot-complete" mark is returned too (<0: none yet). Spans are
 * sorted by start. `stelectl plot` is meant to reuse analyze_load(). */
#ifndef STELE_ANALYZE_H
#define STELE_ANALYZE_H

#include <stddef.h>
#include <stdio.h>

struct span {
	char kind[16]; /* phase, onboot, service */
	char name[64];
	char src[32];
	double start_ms, end_ms; /* end < 0: never ended */
	double running_ms;	 /* services: task running (<0: never) */
};

struct timeline_spans {
	struct span *spans;
	size_t n;
	double boot_complete_ms;
};

/* Returns 0, or -1 with one line in err. */
int analyze_load(const char *path, struct timeline_spans *out, char *err, size_t errlen);
void analyze_free(struct timeline_spans *t);

/* The report: spans by duration, then the critical chain. */
void analyze_print(const struct timeline_spans *t, FILE *out);

#endif
