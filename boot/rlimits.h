/* rlimits: limits for what runs under PID 1, and PID 1's own OOM shield.
 *
 * Contract: rlimits_phase() raises RLIMIT_NOFILE to `nofile` (default
 * 1048576, capped by fs.nr_open) for PID 1 and so for everything it
 * starts, as containerd expects, and sets PID 1's oom_score_adj to -1000
 * (children get 0 back, supervise.c). Failures are reported. */
#ifndef STELE_INIT_RLIMITS_H
#define STELE_INIT_RLIMITS_H

#include "boot/settings.h"

#define NOFILE_DEFAULT 1048576

int rlimits_phase(struct settings *settings);

#endif
