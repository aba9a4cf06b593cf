/* control: the protocol of /run/stele/control.sock, shared by the
 * supervisor (control.c) and stelectl. Full description in README.md.
 *
 * A client sends one request line (at most CONTROL_MAX_REQUEST bytes,
 * words separated by single spaces, ending in \n). The answer's first line
 * is "ok[ TEXT]" or "error TEXT"; what follows depends on the request; the
 * supervisor closes the connection at the end (logs -f: when the client
 * closes). Status lines are tab-separated:
 *   KIND NAME STATE PID SINCE_S RESTARTS DETAIL
 * with KIND "service" or "system" (containerd, onboot, state); struct
 * status_row is one such line before it is written. */
#ifndef STELE_CONTROL_H
#define STELE_CONTROL_H

#define CONTROL_SOCKET	    "control.sock"
#define CONTROL_MAX_REQUEST 256
#define CONTROL_MAX_CLIENTS 32
#define CONTROL_IDLE_MS	    5000 /* for the request line to arrive */

struct status_row {
	const char *kind; /* "service" or "system" */
	const char *name;
	const char *state;
	long pid;
	double since_ms; /* when the state began (boottime_ms()); < 0: unknown, "-" */
	unsigned restarts;
	const char *detail;
};

typedef void status_emit_fn(void *arg, const struct status_row *row);

#endif
