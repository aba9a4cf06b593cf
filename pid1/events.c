#include "pid1/events.h"

#include "lib/log.h"
#include "lib/timeline.h"
#include "pid1/signals.h"
#include "pid1/watchdog.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

static const struct event nothing = {EVENT_NONE, 0};

static int watch(int epfd, int fd)
{
	struct epoll_event e = {.events = EPOLLIN, .data.fd = fd};
	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e);
}

static void teardown(struct events *ev)
{
	if (ev->sfd >= 0)
		close(ev->sfd);
	if (ev->epfd >= 0)
		close(ev->epfd);
	ev->sfd = ev->epfd = -1;
}

static void drop_button(struct events *ev, int i)
{
	log_warn("power button: fd %d unreadable: no longer watched", ev->buttons.fd[i]);
	close(ev->buttons.fd[i]);
	ev->buttons.fd[i] = ev->buttons.fd[--ev->buttons.count];
}

/* The signalfd and an epoll set holding it and the buttons; -1 with errno
 * when either cannot be made. */
static int build(struct events *ev)
{
	sigset_t set;
	signals_handled(&set);
	ev->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	ev->epfd = ev->sfd < 0 ? -1 : epoll_create1(EPOLL_CLOEXEC);
	if (ev->epfd < 0 || watch(ev->epfd, ev->sfd) < 0) {
		int why = errno;
		teardown(ev);
		errno = why;
		return -1;
	}
	for (int i = ev->buttons.count - 1; i >= 0; i--)
		if (watch(ev->epfd, ev->buttons.fd[i]) < 0)
			drop_button(ev, i);
	return 0;
}

static void broken(struct events *ev, const char *what)
{
	log_err("%s: %s: signals are taken with sigtimedwait() until the signalfd and epoll "
		"set can be made again",
		what, strerror(errno));
	teardown(ev);
	ev->degraded = true;
}

static void rebuild(struct events *ev)
{
	if (build(ev) < 0)
		return; /* said once already: broken() */
	ev->degraded = false;
	log_notice("signalfd and epoll set made again");
}

void events_open(struct events *ev)
{
	*ev = (struct events){.epfd = -1, .sfd = -1};
	power_buttons_open(&ev->buttons);
	if (build(ev) < 0)
		broken(ev, "signalfd/epoll");
}

static void pet_if_due(struct events *ev)
{
	int period = watchdog_period_ms();
	double now = boottime_ms();
	if (period <= 0 || now < ev->next_pet_ms)
		return;
	watchdog_pet();
	ev->next_pet_ms = now + period;
}

/* Milliseconds to wait: until the deadline (<0: none) or the next pet. */
static int wait_ms(const struct events *ev, double deadline)
{
	double now = boottime_ms(), until = deadline;
	if (watchdog_period_ms() > 0 && (until < 0 || ev->next_pet_ms < until))
		until = ev->next_pet_ms;
	if (until < 0)
		return -1;
	return until <= now ? 0 : (int)(until - now) + 1;
}

/* A signal waiting in the signalfd: its number, 0 when none, -1 on error. */
static int read_signal(int sfd)
{
	struct signalfd_siginfo info;
	ssize_t n;
	do
		n = read(sfd, &info, sizeof info);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof info)
		return (int)info.ssi_signo;
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n >= 0)
		errno = EIO; /* a short read: the fd is not a signalfd */
	return -1;
}

static bool button_pressed(struct events *ev, int fd)
{
	for (int i = 0; i < ev->buttons.count; i++) {
		if (ev->buttons.fd[i] != fd)
			continue;
		int r = power_button_read(fd);
		if (r < 0)
			drop_button(ev, i);
		return r > 0;
	}
	return false;
}

static struct event signal_event(struct events *ev)
{
	int signo = read_signal(ev->sfd);
	if (signo > 0)
		return (struct event){EVENT_SIGNAL, signo};
	if (signo < 0)
		broken(ev, "read signalfd");
	return nothing;
}

static struct event wait_epoll(struct events *ev, int ms)
{
	/* Signals first: a busy button never hides one. */
	struct event e = signal_event(ev);
	if (e.kind != EVENT_NONE || ev->degraded)
		return e;
	struct epoll_event ready[POWER_BUTTONS_MAX + 1];
	int n = epoll_wait(ev->epfd, ready, POWER_BUTTONS_MAX + 1, ms);
	if (n < 0 && errno != EINTR)
		broken(ev, "epoll_wait");
	bool pressed = false;
	for (int i = 0; i < n; i++)
		if (ready[i].data.fd != ev->sfd && button_pressed(ev, ready[i].data.fd))
			pressed = true;
	/* A signal read now would wait for the next call: none is lost. */
	if (pressed)
		return (struct event){EVENT_POWER_BUTTON, 0};
	return n > 0 ? signal_event(ev) : nothing;
}

static struct event wait_without_fds(struct events *ev, int ms)
{
	for (int i = ev->buttons.count - 1; i >= 0; i--)
		if (button_pressed(ev, ev->buttons.fd[i]))
			return (struct event){EVENT_POWER_BUTTON, 0};
	if (ms < 0 || ms > EVENTS_FALLBACK_STEP_MS)
		ms = EVENTS_FALLBACK_STEP_MS;
	struct timespec step = {ms / 1000, (ms % 1000) * 1000000L};
	sigset_t set;
	signals_handled(&set);
	int signo = sigtimedwait(&set, NULL, &step);
	return signo > 0 ? (struct event){EVENT_SIGNAL, signo} : nothing;
}

struct event events_next(struct events *ev, int timeout_ms)
{
	double deadline = timeout_ms < 0 ? -1 : boottime_ms() + timeout_ms;
	for (;;) {
		pet_if_due(ev);
		if (ev->degraded)
			rebuild(ev);
		int ms = wait_ms(ev, deadline);
		struct event e = ev->degraded ? wait_without_fds(ev, ms) : wait_epoll(ev, ms);
		if (e.kind != EVENT_NONE)
			return e;
		if (deadline >= 0 && boottime_ms() >= deadline)
			return nothing;
	}
}
