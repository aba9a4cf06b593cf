/* restart: when a service that exited is started again, and when it is
 * given up on. Pure arithmetic on millisecond timestamps, no I/O.
 *
 * Contract:
 *  - restart_wanted(): "always" restarts on any exit, "on-failure" on a
 *    non-zero exit or a signal, "never" not at all.
 *  - restart_record_failure() remembers the failure; restart_delay_ms() then
 *    gives min * 2^(k-1) capped at max, where k is the number of failures
 *    within the window, and never less than what keeps min_interval between
 *    two starts.
 *  - restart_exhausted() is true once limit failures fall within the window:
 *    the service is then marked failed. */
#ifndef STELE_RESTART_H
#define STELE_RESTART_H

#include "schema/schema.h"

#include <stdbool.h>

enum restart_mode { RESTART_ALWAYS, RESTART_ON_FAILURE, RESTART_NEVER };

#define RESTART_MAX_LIMIT SCHEMA_RESTART_LIMIT_MAX

struct restart_policy {
	enum restart_mode mode;
	int min_ms; /* first delay, and the least time between two starts */
	int max_ms; /* backoff cap */
	int limit;  /* failures within window_ms before giving up */
	int window_ms;
};

#define RESTART_POLICY_DEFAULT                                                                     \
	{                                                                                          \
		.mode = RESTART_ALWAYS, .min_ms = 1000, .max_ms = 60000, .limit = 5,               \
		.window_ms = 60000                                                                 \
	}

struct restart_history {
	double failures[RESTART_MAX_LIMIT]; /* ring of failure times */
	int n_failures;			    /* total recorded */
	double last_start;		    /* <0: never started */
};

void restart_history_init(struct restart_history *h);
const char *restart_mode_name(enum restart_mode mode);
/* Returns 0 and sets *mode, or -1 for an unknown name. */
int restart_mode_parse(const char *name, enum restart_mode *mode);

/* failed: the exit was a non-zero code or a signal. */
bool restart_wanted(const struct restart_policy *p, bool failed);
void restart_record_start(struct restart_history *h, double now_ms);
void restart_record_failure(struct restart_history *h, double now_ms);
int restart_failures_within(const struct restart_policy *p, const struct restart_history *h,
			    double now_ms);
bool restart_exhausted(const struct restart_policy *p, const struct restart_history *h,
		       double now_ms);
int restart_delay_ms(const struct restart_policy *p, const struct restart_history *h,
		     double now_ms);

#endif
