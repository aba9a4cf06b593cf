/* job: one onboot container across its attempts, and how an attempt ended.
 *
 * The runner owns a job (runner.c) and hands it to one of the two ways of
 * running an attempt:
 *   attempt_create.h  `runc create`, after-create hooks, `runc start`:
 *                     for a bundle whose runtime.interfaces or bindNS need
 *                     the container's namespaces before its process runs;
 *   attempt_run.h     one foreground `runc run`: everything else (three
 *                     runc execs become one, ~300 ms each under TCG).
 * Both wait and stop through watch.h. */
#ifndef STELE_ONBOOT_JOB_H
#define STELE_ONBOOT_JOB_H

#include "hostlib/settings.h"
#include "lib/output.h"
#include "onboot/bundle.h"
#include "onboot/runner.h"

#include <limits.h>
#include <stdbool.h>

struct job {
	const struct runner_config *cfg;
	const struct bundle *bundle;
	struct bundle_settings settings;
	struct output out;
	int log_fd;
	char log_path[PATH_MAX];
	char pid_file[PATH_MAX]; /* where runc writes the container's pid */
	int sigfd;		 /* readable on SIGTERM/SIGINT; -1: none */
	bool interrupted;
	bool host_hooks_done; /* mkdir and mounts: once, not per attempt */
};

enum outcome { OUTCOME_OK, OUTCOME_FAILED, OUTCOME_TIMEOUT, OUTCOME_ERROR, OUTCOME_INTERRUPTED };

struct result {
	enum outcome outcome;
	int status; /* the container's wait status, when reaped */
	bool reaped;
};

#endif
