#include "supervisor/loop.h"

#include "lib/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS 64

static int epoll_fd = -1;
static void *to_free[MAX_EVENTS * 2];
static size_t n_to_free;

int loop_init(void)
{
	epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	return epoll_fd < 0 ? -1 : 0;
}

int loop_add(struct watch *w, int fd, uint32_t events, watch_fn *fn, void *data)
{
	w->fd = fd;
	w->events = events;
	w->fn = fn;
	w->data = data;
	struct epoll_event ev = {.events = events, .data.ptr = w};
	if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -1;
	w->added = true;
	return 0;
}

int loop_mod(struct watch *w, uint32_t events)
{
	if (w->events == events)
		return 0;
	struct epoll_event ev = {.events = events, .data.ptr = w};
	if (epoll_ctl(epoll_fd, EPOLL_CTL_MOD, w->fd, &ev) < 0)
		return -1;
	w->events = events;
	return 0;
}

void loop_del(struct watch *w)
{
	if (!w->added)
		return;
	epoll_ctl(epoll_fd, EPOLL_CTL_DEL, w->fd, NULL);
	w->added = false;
	w->fn = NULL; /* an event already fetched in this batch is dropped */
}

void loop_free_later(void *p)
{
	if (n_to_free < sizeof to_free / sizeof to_free[0])
		to_free[n_to_free++] = p;
	else
		log_warn("loop: deferred-free list full; leaking %p", p);
}

int loop_once(int timeout_ms)
{
	struct epoll_event evs[MAX_EVENTS];
	int n = epoll_wait(epoll_fd, evs, MAX_EVENTS, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	for (int i = 0; i < n; i++) {
		struct watch *w = evs[i].data.ptr;
		bool freed = false;
		for (size_t j = 0; j < n_to_free; j++)
			freed = freed || to_free[j] == (void *)w;
		if (!freed && w->fn)
			w->fn(w, evs[i].events);
	}
	for (size_t j = 0; j < n_to_free; j++)
		free(to_free[j]);
	n_to_free = 0;
	return n;
}

static void timer_fired(struct watch *w, uint32_t events)
{
	(void)events;
	struct timer *t = w->data;
	uint64_t expirations;
	/* EAGAIN: re-armed since this event was queued; it is not due yet. */
	if (read(w->fd, &expirations, sizeof expirations) < 0) {
		if (errno != EAGAIN)
			log_warn("timer: read: %s", strerror(errno));
		return;
	}
	if (!t->armed)
		return;
	t->armed = false;
	t->fn(t);
}

int timer_init(struct timer *t, timer_fn *fn, void *data)
{
	memset(t, 0, sizeof *t);
	t->fn = fn;
	t->data = data;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (fd < 0)
		return -1;
	if (loop_add(&t->w, fd, EPOLLIN, timer_fired, t) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return 0;
}

void timer_free(struct timer *t)
{
	if (!t->w.added)
		return;
	loop_del(&t->w);
	close(t->w.fd);
}

int timer_arm(struct timer *t, int ms)
{
	if (ms < 1)
		ms = 1; /* 0 would disarm a timerfd */
	struct itimerspec its = {
	    .it_value = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L}};
	if (timerfd_settime(t->w.fd, 0, &its, NULL) < 0) {
		log_err("timer: arming for %d ms: %s", ms, strerror(errno));
		return -1;
	}
	t->armed = true;
	return 0;
}

void timer_disarm(struct timer *t)
{
	struct itimerspec none = {0};
	if (t->w.added)
		timerfd_settime(t->w.fd, 0, &none, NULL);
	t->armed = false;
}
