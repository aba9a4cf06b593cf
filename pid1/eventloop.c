#include "pid1/eventloop.h"

#include "lib/log.h"
#include "lib/timeline.h"
#include "pid1/events.h"
#include "pid1/reap.h"
#include "pid1/shutdown_procs.h"
#include "pid1/signals.h"
#include "pid1/supervise.h"
#include "pid1/testfault.h"
#include "pid1/watchdog.h"

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

/* What an event asks for; serves the ones that ask for nothing. */
static enum shutdown_kind serve(const struct event *e, struct supervised *sv,
				const struct test_fault *fault, struct events *ev)
{
	if (e->kind == EVENT_POWER_BUTTON) {
		log_notice("power button pressed: powering off");
		return SHUTDOWN_POWEROFF;
	}
	if (e->kind != EVENT_SIGNAL)
		return SHUTDOWN_NONE;
	if (e->signo == SIGCHLD)
		reap_all(on_child_exit, sv, NULL);
	else if (e->signo == SIGHUP)
		test_fault_fire(fault, ev);
	return shutdown_kind_of(e->signo);
}

static struct test_fault armed_fault(const struct pid1_config *cfg)
{
	struct test_fault fault = {TEST_FAULT_NONE, 0};
	if (cfg->test_fault && test_fault_parse(cfg->test_fault, &fault) == 0)
		log_warn("test fault \"%s\" armed: SIGHUP fires it (for tests only)",
			 cfg->test_fault);
	return fault;
}

void eventloop_run(const struct pid1_config *cfg, shutdown_finish_fn *finish, void *ctx)
{
	if (cfg->watchdog)
		watchdog_arm(cfg->watchdog, cfg->watchdog_timeout_s);
	static struct events ev;
	events_open(&ev);
	struct test_fault fault = armed_fault(cfg);
	disable_ctrl_alt_del();
	export_timeline();

	static struct supervised sv;
	supervised_init(&sv, cfg->supervisor, cfg->restart_limit, cfg->restart_window_ms,
			cfg->crash);
	supervised_start(&sv);
	for (;;) {
		struct event e = events_next(&ev, supervised_wait_ms(&sv));
		enum shutdown_kind kind = serve(&e, &sv, &fault, &ev);
		if (kind == SHUTDOWN_NONE && sv.gave_up && sv.on_loop == CRASH_REBOOT)
			kind = SHUTDOWN_REBOOT;
		if (kind != SHUTDOWN_NONE) {
			shutdown_procs(&ev, &sv, kind, cfg);
			finish(kind, ctx);
			log_err("shutdown came back: freezing");
			for (;;)
				pause();
		}
		if (supervised_wait_ms(&sv) == 0)
			supervised_start(&sv);
	}
}
