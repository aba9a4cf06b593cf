/* events: everything that wakes PID 1, through one epoll set: its signals
 * (one signalfd, signals.h) and the ACPI power buttons (powerbutton.h).
 * The watchdog (watchdog.h) is petted here too, whenever a third of its
 * timeout has passed, however busy or idle the loop is.
 *
 * Contract: events_open() opens the power buttons and builds the set;
 * PID 1's signals must already be blocked. events_next() waits at most
 * timeout_ms (-1: forever) and returns EVENT_SIGNAL with the signal's
 * number, EVENT_POWER_BUTTON for a press, or EVENT_NONE when the time
 * passed. A signal is never lost and a press never dropped: should the
 * signalfd or epoll fail (a read or a wait errs, or they cannot be made
 * at all), one line says so, and until both can be made again (tried at
 * every step), signals are taken with sigtimedwait(), which needs no fd,
 * in steps of at most EVENTS_FALLBACK_STEP_MS, the buttons read at each. */
#ifndef STELE_PID1_EVENTS_H
#define STELE_PID1_EVENTS_H

#include "pid1/powerbutton.h"

#include <stdbool.h>

#define EVENTS_FALLBACK_STEP_MS 1000

enum event_kind { EVENT_NONE, EVENT_SIGNAL, EVENT_POWER_BUTTON };

struct event {
	enum event_kind kind;
	int signo; /* EVENT_SIGNAL */
};

struct events {
	int epfd; /* -1 while broken */
	int sfd;  /* the signalfd; -1 while broken */
	struct power_buttons buttons;
	bool degraded; /* on sigtimedwait() until the set is made again */
	double next_pet_ms;
};

void events_open(struct events *ev);
struct event events_next(struct events *ev, int timeout_ms);

#endif
