/* timeline: the boot timeline shared by init, the onboot runner and the
 * supervisor.
 *
 * Each process appends one JSON object per line to TIMELINE_LOG with a
 * single O_APPEND write, so writers never interleave:
 *   {"t_ms":1234.567,"src":"init","kind":"phase","name":"mounts","event":"start"}
 * timeline_export() turns that log into TIMELINE_JSON, a JSON array, by an
 * atomic rename. kind is "phase", "onboot", "service" or "mark"; event is
 * "start", "end", "ready", "failed" or a free word. Names are plain
 * identifiers and are escaped anyway. */
#ifndef STELE_TIMELINE_H
#define STELE_TIMELINE_H

#define TIMELINE_DIR "/run/stele"
#define TIMELINE_LOG "/run/stele/timeline.jsonl"
#include "lib/clock.h" /* boottime_ms(), the timeline's clock */

#define TIMELINE_JSON "/run/stele/boot-timeline.json"

/* Returns 0, or -1 with errno (the timeline is best effort: callers log). */
int timeline_mark(const char *src, const char *kind, const char *name, const char *event);

/* The same, for an event that happened at t_ms (boottime_ms() then), for
 * marks recorded before TIMELINE_DIR could be written. */
int timeline_mark_at(double t_ms, const char *src, const char *kind, const char *name,
		     const char *event);

/* Rewrite TIMELINE_JSON from TIMELINE_LOG. */
int timeline_export(void);

/* For tests: use another directory instead of /run/stele. */
void timeline_set_dir(const char *dir);

#endif
