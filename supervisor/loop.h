/* loop: the supervisor's single epoll loop and timers on timerfds (the
 * clock is lib/clock.h's).
 *
 * Contract: one loop per process. A watch ties an fd to a callback; the
 * callback gets the epoll events. A watch may be removed from inside any
 * callback; memory holding a watch that fires later in the same batch must
 * be released with loop_free_later(), which frees it after the batch.
 * Every fd the loop opens is O_CLOEXEC and non-blocking. */
#ifndef STELE_LOOP_H
#define STELE_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct watch;
typedef void watch_fn(struct watch *w, uint32_t events);

struct watch {
	int fd;
	uint32_t events;
	watch_fn *fn;
	void *data;
	bool added;
};

int loop_init(void);
/* Returns 0, or -1 with errno. */
int loop_add(struct watch *w, int fd, uint32_t events, watch_fn *fn, void *data);
int loop_mod(struct watch *w, uint32_t events);
/* Removes the watch (the fd is not closed). Safe on a watch never added. */
void loop_del(struct watch *w);
void loop_free_later(void *p);
/* Wait up to timeout_ms (<0: no bound) and run the callbacks. Returns the
 * number of events handled, or -1 with errno (EINTR is not an error: 0). */
int loop_once(int timeout_ms);

struct timer;
typedef void timer_fn(struct timer *t);

struct timer {
	struct watch w;
	timer_fn *fn;
	void *data;
	bool armed;
};

int timer_init(struct timer *t, timer_fn *fn, void *data);
void timer_free(struct timer *t);
/* One-shot, after ms milliseconds (0 fires at the next loop turn).
 * A failure is logged here; callers may ignore the -1. */
int timer_arm(struct timer *t, int ms);
void timer_disarm(struct timer *t);

#endif
