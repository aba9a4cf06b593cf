#include "boot/shutdown_fs.h"

#include "boot/console.h"
#include "boot/unmount.h"
#include "lib/log.h"
#include "pid1/crash.h"
#include "pid1/power.h"
#include "pid1/watchdog.h"
#include "state/state.h"

_Noreturn void shutdown_fs_run(enum shutdown_kind kind, struct settings *settings)
{
	/* Everything the processes left in the page cache, before the
	 * unmounts that would otherwise write it one filesystem at a time.
	 * Bounded, petting the watchdog that stele-pid1 passed on, if any. */
	sync_bounded();
	/* The state volume first, by its own rules (state.h), which reports its
	 * own failures; then the rest, which tries a volume left mounted again. */
	state_volume_shutdown(settings);
	watchdog_pet();
	int left = unmount_all();
	if (left > 0)
		log_err("%d filesystems stay mounted read-write", left);
	final_reboot(kind);
}

_Noreturn void shutdown_fs_stage(const char *kind_name)
{
	crash_install(CRASH_FREEZE);
	signals_block();
	static struct settings settings;
	settings_load(&settings, INIT_CONF_PATH, CMDLINE_PATH);
	console_apply(&settings);
	enum shutdown_kind kind = shutdown_kind_from_name(kind_name);
	if (kind == SHUTDOWN_NONE) {
		log_err("--shutdown %s: not reboot, halt or poweroff: rebooting", kind_name);
		kind = SHUTDOWN_REBOOT;
	}
	log_debug("shutdown: unmounting for %s", shutdown_kind_name(kind));
	shutdown_fs_run(kind, &settings);
}

_Noreturn void shutdown_fs_finish(enum shutdown_kind kind, void *settings)
{
	shutdown_fs_run(kind, settings);
}
