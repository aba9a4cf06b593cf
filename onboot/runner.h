/* runner: run a directory of bundles through runc, one after another.
 *
 * This is the module the `stele-onboot` command wraps; PID 1 could call it
 * from a forked child as well. The calling process must be a child
 * subreaper (PR_SET_CHILD_SUBREAPER), so that the container's process,
 * orphaned when `runc create` exits, is reaped here with its real exit
 * status; and it must have no other children, because the runner reaps the
 * zombies runc leaves behind with waitpid(-1).
 *
 * For each bundle, in lexical order: check it (a bad one is skipped with
 * one line), load stele.json, then per attempt: mkdir/mounts hooks, then
 * either `runc create` with the container's stdout+stderr on a pipe,
 * interfaces/bindNS hooks, `runc start` (attempt_create.h), or, with no
 * such hook, one foreground `runc run` (attempt_run.h); wait for the
 * process up to `timeout` (then SIGTERM, `grace`, SIGKILL: watch.h); no
 * container left in runc's state (`runc delete -f`). Output goes to
 * LOG_DIR/NAME.log and, when `console`, to stderr as "NAME: line".
 * `on_failure` decides what a failed attempt leads to.
 *
 * Contract: returns what the caller should do with the system. A SIGTERM
 * or SIGINT received while running (blocked by the caller, see
 * runner_block_signals) stops the current container and skips the rest. */
#ifndef STELE_ONBOOT_RUNNER_H
#define STELE_ONBOOT_RUNNER_H

#include "onboot/runc.h"

/* The values are stele-onboot's exit codes (onboot/README.md). */
enum runner_verdict {
	VERDICT_CONTINUE = 0,
	VERDICT_HALT = 10,
	VERDICT_POWEROFF = 11,
	VERDICT_INTERRUPTED = 12,
};

struct runner_config {
	const char *phase;	      /* "onboot" or "onshutdown": used in messages */
	const char *bundles_dir;      /* e.g. /containers/onboot */
	const char *log_dir;	      /* e.g. /run/log/onboot */
	const char *state_mountpoint; /* binds from under it: sources created (bind_sources.h) */
	struct runc runc;
};

enum runner_verdict runner_run_all(const struct runner_config *cfg);

/* Block SIGTERM, SIGINT and SIGCHLD so the runner can take them through a
 * signalfd; spawn() unblocks them in children. Returns 0 or -1. */
int runner_block_signals(void);

#endif
