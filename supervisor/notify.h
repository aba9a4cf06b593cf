/* notify: one sd_notify datagram socket per service that declares
 * "ready": "notify".
 *
 * Contract: notify_open() binds DIR/notify.sock (mode 0666 in a directory
 * of its own: services may run as any user) and watches it; each READY=1
 * it receives is emitted as the ready event (events.h) with the service's
 * name. Other assignments are ignored. One socket per service: the sender
 * needs no identification. DIR is bind-mounted into the container (spec.h),
 * so a socket re-created by a restarted supervisor is the one the service
 * reaches. */
#ifndef STELE_NOTIFY_H
#define STELE_NOTIFY_H

#include "supervisor/events.h"
#include "supervisor/loop.h"

struct notify {
	int fd;
	struct watch watch;
	const char *name; /* the service's, outlives the socket */
	const struct sv_events *ev;
};

/* Returns 0, or -1 with errno. */
int notify_open(struct notify *n, const char *dir, const char *name, const struct sv_events *ev);

#endif
