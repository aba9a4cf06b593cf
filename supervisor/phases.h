/* phases: what the supervisor runs besides the services, and the order of
 * its end: `stele-onboot run onboot|onshutdown`, power requests to PID 1,
 * and the shutdown sequence with its global bound.
 *
 * Contract:
 *  - phases_start_onboot() runs onboot once per boot: RUN/onboot.done says
 *    it ran, so a supervisor that replaces one that died does not run it
 *    again, and RUN/onboot.lock (onboot_lock.h) makes one that replaces it
 *    during onboot wait for that onboot instead. Its end is the onboot done event; stele-onboot's
 * exit code 10 or 11 (onboot/README.md) becomes a power request event.
 *  - phases_power(): under stele's PID 1 (parent 1 and STELE_INIT set) the
 *    request becomes a signal to PID 1 (poweroff SIGUSR2, reboot SIGTERM,
 *    halt SIGUSR1), which answers with SIGTERM; anywhere else (a test host)
 *    it is a shutdown at once.
 *  - phases_shutdown() begins the sequence once: a running onboot gets
 *    SIGTERM, the shutdown event asks for the services; then, after the
 *    containerd stopped event, onshutdown runs; its end (or the bound,
 *    --shutdown-timeout) is the shutdown done event. */
#ifndef STELE_PHASES_H
#define STELE_PHASES_H

#include "supervisor/control.h"
#include "supervisor/events.h"
#include "supervisor/logstore.h"
#include "supervisor/loop.h"
#include "supervisor/options.h"

#include <stdbool.h>
#include <sys/types.h>

enum shutdown_phase { SD_NONE, SD_STOPPING, SD_ONSHUTDOWN };

struct phases {
	const struct sv_options *opt;
	const struct sv_events *ev;
	pid_t pid; /* the running stele-onboot, or 0 */
	int fd;	   /* its output */
	struct watch watch;
	struct logstore log; /* "onboot", shared by onshutdown */
	char name[16];	     /* onboot or onshutdown */
	double start_ms;
	bool onboot_done;
	enum shutdown_phase shutdown;
	enum power_action power;
	struct timer bound;
	double shutdown_ms;	/* when the shutdown started */
	struct timer lock_wait; /* an earlier supervisor's onboot still runs */
	bool waiting_earlier;
};

/* Returns 0, or -1 with errno (no memory for its log). */
int phases_init(struct phases *ph, const struct sv_options *opt, const struct sv_events *ev);
void phases_start_onboot(struct phases *ph);
/* A child was reaped: true when it was stele-onboot. */
bool phases_reaped(struct phases *ph, pid_t pid, int status);
void phases_power(struct phases *ph, enum power_action action);
void phases_shutdown(struct phases *ph, const char *why);
void phases_containerd_stopped(struct phases *ph);
/* What is left of the shutdown's bound (--shutdown-timeout), in ms. */
int phases_shutdown_left_ms(const struct phases *ph);
struct logstore *phases_log(struct phases *ph);
void phases_status(const struct phases *ph, struct status_row *row);

#endif
