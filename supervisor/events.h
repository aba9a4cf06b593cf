/* events: how the supervisor's three owners tell each other what happened.
 *
 *   service table (service.h)  the services and their lifecycles
 *   containerd (cdproc.h)      the containerd process and the connection
 *   phases (phases.h)          onboot, onshutdown, power requests, and the
 *                              shutdown sequence
 *
 * Contract: no owner calls another or includes its header. Each gets a
 * pointer to one struct sv_events, which main.c fills with functions that
 * pass the event on to whoever must react; control (control_server.h) and
 * the notify sockets (notify.h) emit events the same way. An owner updates
 * its own state before it emits, since the reaction may come back to it
 * within the call (a containerd that dies during the shutdown is asked to
 * stop from inside its own death's event).
 *
 *   containerd up        cdproc: answers, exits subscribed, here is what
 *                        it holds                  -> service table
 *   containerd lost      cdproc: connection gone   -> service table
 *   task exit            cdproc: a task exited     -> service table
 *   ready                notify: READY=1           -> service table
 *   power request        control, onboot's verdict -> phases, service table
 *   restart containerd   service table: a leftover task directory that
 *                        containerd no longer knows -> cdproc
 * and the steps of the ordered shutdown:
 *   onboot done          phases                    -> service table
 *   shutdown             phases: stop the services -> service table
 *   services stopped     service table: containers deleted -> cdproc stops
 *   containerd stopped   cdproc                    -> phases: onshutdown
 *   shutdown done        phases: exit now          -> main */
#ifndef STELE_EVENTS_H
#define STELE_EVENTS_H

#include "containerd/ctrd.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum power_action { POWER_NONE, POWER_POWEROFF, POWER_REBOOT, POWER_HALT };

/* What containerd holds in the namespace when the connection is made: the
 * tasks and the containers (ids). Valid during the event only. */
struct cd_task {
	char id[80];
	uint32_t pid;
	enum ctrd_task_status status;
	uint32_t exit_status; /* when STOPPED */
};

struct cd_snapshot {
	const struct cd_task *tasks;
	size_t n_tasks;
	const char *const *containers;
	size_t n_containers;
};

struct sv_events {
	/* conn stays valid until containerd_lost. */
	void (*containerd_up)(struct ctrd *conn, const struct cd_snapshot *held);
	void (*containerd_lost)(void);
	/* exit_status: the exit code, or 128+N for signal N. */
	void (*task_exit)(const char *id, uint32_t pid, uint32_t exit_status);
	void (*ready)(const char *service, const char *how);
	void (*power_request)(enum power_action action);
	/* Returns true when containerd is being restarted; false when it is
	 * not up, or was restarted so within the last few minutes. */
	bool (*restart_containerd)(const char *why);
	/* earlier: by a supervisor that this one replaces (it died). */
	void (*onboot_done)(bool earlier);
	void (*shutdown)(void);
	void (*services_stopped)(void);
	void (*containerd_stopped)(void);
	/* timed_out: the shutdown's bound passed; kill what is left. */
	void (*shutdown_done)(bool timed_out);
};

#endif
