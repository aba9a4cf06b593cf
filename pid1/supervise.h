/* supervise: the one child PID 1 keeps running, the supervisor.
 *
 * Contract: supervised_start() spawns the program with only fds 0-2 (the
 * console), a clean signal state, its own session and oom_score_adj -900,
 * argv[0] = its path. The first start prints the console marker
 *   stele: handing over to PATH
 * and later ones "restarting PATH (restart N)". Whatever way it ends, even
 * exit 0, it is restarted, at most once a second (supervised_wait_ms);
 * only a shutdown stops that, or a crash loop: when it ends unexpectedly
 * after restart_limit restarts (>0) within restart_window_ms, one line
 * says so and what is done about it, as stele.crash says (on_loop):
 *   stele: PATH ended unexpectedly (HOW) after N restarts in S s: giving up: rebooting
 * (crash=reboot) or "... giving up: not restarting it (crash=freeze) ...". Then gave_up is set and
 * supervised_wait_ms() is -1: the caller reboots or leaves the host as it is. */
#ifndef STELE_PID1_SUPERVISE_H
#define STELE_PID1_SUPERVISE_H

#include "pid1/crash.h"

#include <stdbool.h>
#include <sys/types.h>

#define RESTART_INTERVAL_MS 1000
#define RESTART_LIMIT_MAX   100

struct supervised {
	const char *path;
	pid_t pid; /* 0 when not running */
	double started_ms;
	unsigned starts;
	int restart_limit; /* 0: never give up */
	int restart_window_ms;
	enum crash_action on_loop;
	bool gave_up;
	/* The last restart_limit restarts' times, a ring indexed by the
	 * restart number. */
	double restarts_ms[RESTART_LIMIT_MAX];
};

void supervised_init(struct supervised *sv, const char *path, int restart_limit,
		     int restart_window_ms, enum crash_action on_loop);
/* 0, or -1 when fork failed (reported; try again after the delay). */
int supervised_start(struct supervised *sv);
/* Milliseconds until it must be started: 0 means now, -1 never (it runs,
 * or gave up). */
int supervised_wait_ms(const struct supervised *sv);
/* When pid is the supervisor: report how it ended, mark it stopped and
 * return true. */
bool supervised_exited(struct supervised *sv, pid_t pid, int status, bool expected);

#endif
