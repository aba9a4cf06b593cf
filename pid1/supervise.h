/* supervise: the one child PID 1 keeps running, the supervisor.
 *
 * Contract: supervised_start() spawns the program with only fds 0-2 (the
 * console), a clean signal state, its own session and oom_score_adj 0,
 * argv[0] = its path. The first start prints the console marker
 *   stele: handing over to PATH
 * and later ones "restarting PATH (restart N)". Whatever way it ends, even
 * exit 0, it is restarted, at most once a second
 * (supervised_restart_delay_ms); only a shutdown stops that. */
#ifndef STELE_INIT_SUPERVISE_H
#define STELE_INIT_SUPERVISE_H

#include <stdbool.h>
#include <sys/types.h>

#define RESTART_INTERVAL_MS 1000

struct supervised {
	const char *path;
	pid_t pid; /* 0 when not running */
	double started_ms;
	unsigned starts;
};

void supervised_init(struct supervised *sv, const char *path);
/* 0, or -1 when fork failed (reported; try again after the delay). */
int supervised_start(struct supervised *sv);
/* Milliseconds until a restart is allowed: 0 means now. */
int supervised_restart_delay_ms(const struct supervised *sv);
/* When pid is the supervisor: report how it ended, mark it stopped and
 * return true. */
bool supervised_exited(struct supervised *sv, pid_t pid, int status, bool expected);

#endif
