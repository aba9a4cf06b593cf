/* control_server: the supervisor's side of RUN/control.sock (protocol in
 * control.h and README.md).
 *
 * Contract: every client is non-blocking and bounded (request size, output
 * buffer, client count, CONTROL_IDLE_MS for its request), so a slow or
 * hostile client costs memory, never the loop. Only uid 0 is served
 * (SO_PEERCRED), on top of the socket's mode 0600. The server owns no
 * supervisor state: it asks main's control_ops for status rows, logs and
 * service requests, and emits power requests as events (events.h). */
#ifndef STELE_CONTROL_SERVER_H
#define STELE_CONTROL_SERVER_H

#include "supervisor/control.h"
#include "supervisor/events.h"
#include "supervisor/logstore.h"
#include "supervisor/loop.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct control_ops {
	/* name NULL: the system rows, then every service's; else that
	 * service's row. False when there is no service of that name. */
	bool (*status)(const char *name, status_emit_fn *emit, void *arg);
	/* A service's, "containerd", "onboot" or "onshutdown"; NULL if none. */
	struct logstore *(*log)(const char *name);
	/* verb: start, stop or restart. 0 with the state it is in now in msg,
	 * or -1 with the reason in msg. */
	int (*request)(const char *verb, const char *name, char *msg, size_t len);
};

struct client;

struct control {
	const struct control_ops *ops;
	const struct sv_events *ev;
	int listen_fd;
	struct watch listen_watch;
	struct client *clients[CONTROL_MAX_CLIENTS];
	char sock_path[PATH_MAX];
};

/* Returns 0, or -1 with errno (the supervisor goes on without it). */
int control_open(struct control *c, const char *run_dir, const struct control_ops *ops,
		 const struct sv_events *ev);
void control_close(struct control *c);

#endif
