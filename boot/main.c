/* stele's PID 1, stage 1: leave the initramfs, run the boot phases in
 * order, then exec the resident stele-pid1 (handoff.h), which hands over
 * to the supervisor, reaps and waits for a shutdown signal. Executed again
 * as `init --shutdown KIND` by stele-pid1, it does the filesystem part of
 * the shutdown (shutdown_fs.h). */
#include "boot/console.h"
#include "boot/handoff.h"
#include "boot/hostname.h"
#include "boot/loopback.h"
#include "boot/modules.h"
#include "boot/mounts.h"
#include "boot/phase.h"
#include "boot/resolver.h"
#include "boot/rlimits.h"
#include "boot/rootfs.h"
#include "boot/settings.h"
#include "boot/shutdown_fs.h"
#include "boot/sysctl.h"
#include "pid1/crash.h"
#include "pid1/eventloop.h"
#include "pid1/signals.h"
#include "pid1/watchdog.h"

#include "boot/containers.h"
#include "boot/userdata.h"
#include "state/state.h"

#include "lib/log.h"
#include "lib/timeline.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

#ifndef STELE_VERSION
#define STELE_VERSION "0.1"
#endif

/* The boot, in order: a phase is one line here. */
static const struct phase phases[] = {
    {"mounts", mounts_phase},	      /* /proc /sys /dev /run /tmp cgroup2 ... */
    {"settings", console_phase},      /* init.conf + cmdline, logging, stdio */
    {"var", var_phase},		      /* /var tmpfs, var_size */
    {"modules", modules_phase},	      /* modules.dep order, finit_module */
    {"containers", containers_phase}, /* the erofs layout: /containers */
    {"userdata", userdata_local},     /* /run/config: cmdline, fw_cfg, cidata */
    {"sysctl", sysctl_phase},	      /* /etc/sysctl.d, /run/config/sysctl.conf */
    {"hostname", hostname_phase},     /* /run/config, /etc/hostname, MAC */
    {"resolver", resolver_phase},     /* /run/resolvconf/resolv.conf, userdata DNS */
    {"loopback", loopback_phase},     /* lo up, 127.0.0.1/8, ::1 */
    {"state", state_volume_setup},    /* probe, mkfs only if blank, fsck, mount */
    {"limits", rlimits_phase},	      /* NOFILE, oom_score_adj */
    {"readonly", readonly_phase},     /* remount / read-only: last */
};

#define PHASE_COUNT (sizeof phases / sizeof *phases)

/* Phases run before /run is mounted: their times wait here until the
 * timeline can be written. Slot 0 is the rootfs move (before re-exec). */
struct phase_time {
	const char *name;
	double start, end;
	bool failed, written;
};

static struct phase_time times[PHASE_COUNT + 1];
static size_t times_used;

static void record(const char *name, double start, double end, bool failed)
{
	if (times_used < sizeof times / sizeof *times)
		times[times_used++] = (struct phase_time){name, start, end, failed, false};
}

static void flush_times(void)
{
	for (size_t i = 0; i < times_used; i++) {
		struct phase_time *t = &times[i];
		if (t->written)
			continue;
		if (timeline_mark_at(t->start, "init", "phase", t->name, "start") < 0 ||
		    timeline_mark_at(t->end, "init", "phase", t->name,
				     t->failed ? "failed" : "end") < 0) {
			log_warn("timeline %s: %s", TIMELINE_LOG, strerror(errno));
			return;
		}
		t->written = true;
	}
}

/* The rootfs move happened in the previous image of this process; its
 * times come through the environment. */
static void record_rootfs_move(void)
{
	const char *carried = getenv(ROOTFS_TIMES_ENV);
	double start, end;
	if (carried && sscanf(carried, "%lf %lf", &start, &end) == 2)
		record("rootfs", start, end, false);
	unsetenv(ROOTFS_TIMES_ENV);
}

static void run_phases(struct settings *settings)
{
	for (size_t i = 0; i < PHASE_COUNT; i++) {
		const struct phase *p = &phases[i];
		double start = boottime_ms();
		log_debug("phase %s", p->name);
		int rc = p->run(settings);
		if (rc != 0)
			log_err("phase %s failed; boot goes on", p->name);
		record(p->name, start, boottime_ms(), rc != 0);
		/* mounts comes first and puts a tmpfs on /run: from then
		 * on the timeline can be written. */
		flush_times();
	}
}

static int refuse_non_pid1(void)
{
	/* Run from a shell: a user's mistake, told on stderr alone. */
	log_init_host("stele init");
	log_err("must run as PID 1 (use a PID namespace to try it: "
		"unshare --pid --fork --mount)");
	return 1;
}

int main(int argc, char **argv)
{
	if (getpid() != 1)
		return refuse_non_pid1();
	log_init("stele");
	/* The way back from stele-pid1, once every process is gone:
	 * `--shutdown KIND [--watchdog-fd N]`. */
	if (argc >= 3 && strcmp(argv[1], "--shutdown") == 0) {
		if (argc == 5 && strcmp(argv[3], WATCHDOG_FD_OPTION) == 0)
			watchdog_adopt(argv[4]);
		shutdown_fs_stage(argv[2]);
	}
	crash_install(CRASH_FREEZE);
	signals_block();
	umask(022);
	/* The kernel gives init no PATH; everything started from here
	 * (containerd looking up runc, shims) needs one. */
	if (setenv("PATH", DEFAULT_PATH, 0) < 0)
		log_err("setenv PATH: %s", strerror(errno));
	/* Tells the supervisor that PID 1 is stele and may be asked to power
	 * off; an orphaned supervisor on a test host sees another PID 1. */
	if (setenv("STELE_INIT", STELE_VERSION, 1) < 0)
		log_err("setenv STELE_INIT: %s", strerror(errno));
	if (!getenv(ROOTFS_TIMES_ENV))
		log_notice("init %s starting", STELE_VERSION);
	rootfs_leave_if_initramfs(argv);
	record_rootfs_move();

	static struct settings settings;
	run_phases(&settings);
	static struct pid1_config resident;
	handoff_config(&settings, &resident);
	handoff_exec(&resident);
	/* Only when stele-pid1 could not run: the same loop, from here. */
	eventloop_run(&resident, shutdown_fs_finish, &settings);
}
