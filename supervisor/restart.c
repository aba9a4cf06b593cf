#include "supervisor/restart.h"

#include <string.h>

static const char *const mode_names[] = {
    [RESTART_ALWAYS] = "always",
    [RESTART_ON_FAILURE] = "on-failure",
    [RESTART_NEVER] = "never",
};

void restart_history_init(struct restart_history *h)
{
	memset(h, 0, sizeof *h);
	h->last_start = -1;
}

const char *restart_mode_name(enum restart_mode mode)
{
	return mode_names[mode];
}

int restart_mode_parse(const char *name, enum restart_mode *mode)
{
	for (size_t i = 0; i < sizeof mode_names / sizeof mode_names[0]; i++)
		if (strcmp(name, mode_names[i]) == 0) {
			*mode = (enum restart_mode)i;
			return 0;
		}
	return -1;
}

bool restart_wanted(const struct restart_policy *p, bool failed)
{
	switch (p->mode) {
	case RESTART_ALWAYS:
		return true;
	case RESTART_ON_FAILURE:
		return failed;
	case RESTART_NEVER:
		break;
	}
	return false;
}

void restart_record_start(struct restart_history *h, double now_ms)
{
	h->last_start = now_ms;
}

void restart_record_failure(struct restart_history *h, double now_ms)
{
	h->failures[h->n_failures % RESTART_MAX_LIMIT] = now_ms;
	h->n_failures++;
}

int restart_failures_within(const struct restart_policy *p, const struct restart_history *h,
			    double now_ms)
{
	int held = h->n_failures < RESTART_MAX_LIMIT ? h->n_failures : RESTART_MAX_LIMIT;
	int count = 0;
	for (int i = 0; i < held; i++)
		if (now_ms - h->failures[i] <= p->window_ms)
			count++;
	return count;
}

bool restart_exhausted(const struct restart_policy *p, const struct restart_history *h,
		       double now_ms)
{
	return restart_failures_within(p, h, now_ms) >= p->limit;
}

int restart_delay_ms(const struct restart_policy *p, const struct restart_history *h, double now_ms)
{
	int k = restart_failures_within(p, h, now_ms);
	double delay = p->min_ms;
	for (int i = 1; i < k && delay < p->max_ms; i++)
		delay *= 2;
	if (delay > p->max_ms)
		delay = p->max_ms;
	/* However short the backoff, two starts stay min_ms apart. */
	if (h->last_start >= 0 && now_ms - h->last_start + delay < p->min_ms)
		delay = p->min_ms - (now_ms - h->last_start);
	return (int)(delay + 0.5);
}
