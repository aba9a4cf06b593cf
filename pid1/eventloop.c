#include "pid1/eventloop.h"

#include "lib/log.h"
#include "pid1/reap.h"
#include "pid1/shutdown_procs.h"
#include "pid1/signals.h"
#include "pid1/supervise.h"
#include "lib/timeline.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

static void disable_ctrl_alt_del(void)
{
	/* EINVAL in a PID namespace, where there is no keyboard anyway. */
	if (reboot(RB_DISABLE_CAD) < 0 && errno != EINVAL)
		log_err("disable Ctrl-Alt-Del: %s", strerror(errno));
}

static void print_timeline(void)
{
	FILE *f = fopen(TIMELINE_JSON, "re");
	if (!f)
		return;
	char line[256];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		log_notice("timeline %s", line); /* asked for: shown even with quiet */
	}
	fclose(f);
}

static void export_timeline(void)
{
	if (timeline_mark("init", "mark", "handoff", "start") < 0 || timeline_export() < 0) {
		log_warn("timeline %s: %s", TIMELINE_JSON, strerror(errno));
		return;
	}
	if (log_debug_enabled())
		print_timeline();
}

static void on_child_exit(pid_t pid, int status, void *ctx)
{
	supervised_exited(ctx, pid, status, false);
}

/* When the signalfd itself fails, PID 1 still must not exit: fall back to
 * reaping once a second. */
static int next_signal(struct signal_source *src, int timeout_ms)
{
	int signo = signals_next(src, timeout_ms);
	if (signo < 0) {
		sleep(1);
		return SIGCHLD;
	}
	return signo;
}

void eventloop_run(const struct pid1_config *cfg, shutdown_finish_fn *finish, void *ctx)
{
	struct signal_source src;
	if (signals_open(&src) < 0)
		log_err("signals: falling back to polling once a second");
	disable_ctrl_alt_del();
	export_timeline();

	struct supervised sv;
	supervised_init(&sv, cfg->supervisor);
	supervised_start(&sv);
	for (;;) {
		int timeout = sv.pid > 0 ? -1 : supervised_restart_delay_ms(&sv);
		int signo = next_signal(&src, timeout);
		if (signo == SIGCHLD)
			reap_all(on_child_exit, &sv, NULL);
		enum shutdown_kind kind = shutdown_kind_of(signo);
		if (kind != SHUTDOWN_NONE) {
			shutdown_procs(&src, &sv, kind, cfg);
			finish(kind, ctx);
			log_err("shutdown came back: freezing");
			for (;;)
				pause();
		}
		if (sv.pid <= 0 && supervised_restart_delay_ms(&sv) == 0)
			supervised_start(&sv);
	}
}
