/* state_settings: PID 1's side of the state volume, reading its keys
 * from init's settings (init.conf, overridden by stele.KEY= on the
 * kernel command line). Kept apart so the rest of the module builds and
 * runs without PID 1 (tests/state/state_run.c). */
#include "state.h"

#include "log.h"
#include "settings.h"

static void load(struct settings *settings, struct state_config *cfg)
{
	state_config_defaults(cfg);
	for (const char *const *key = state_config_keys; *key; key++) {
		const char *value = settings_get(settings, *key, NULL);
		char err[300];
		if (value && state_config_set(cfg, *key, value, err, sizeof err) < 0)
			log_err("state: %s", err);
	}
}

int state_volume_setup(struct settings *settings)
{
	struct state_config cfg;
	load(settings, &cfg);
	return state_volume_run(&cfg);
}

int state_volume_shutdown(struct settings *settings)
{
	struct state_config cfg;
	load(settings, &cfg);
	if (state_config_disabled(&cfg))
		return 0;
	return state_volume_unmount(cfg.mountpoint);
}
