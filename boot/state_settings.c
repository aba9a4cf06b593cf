/* state_settings: PID 1's side of the state volume, reading its keys
 * from init's settings (init.conf, overridden by stele.KEY= on the
 * kernel command line). Kept apart so the rest of the module builds and
 * runs without PID 1 (tests/state/state_run.c). */
#include "state/state.h"

#include "boot/readfile.h"
#include "boot/settings.h"
#include "lib/log.h"
#include "schema/schema.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FORCE_KEY "stele.state_force"

/* A format that destroys data must be asked for by the image, not by
 * whoever can edit the boot loader's command line. Any word that looks
 * like the key counts: a false alarm only cancels a force. */
static bool cmdline_forces(void)
{
	char *cmdline = read_file(CMDLINE_PATH, 1 << 16, NULL);
	if (!cmdline)
		return false;
	bool found = false;
	char *save = NULL;
	for (char *word = strtok_r(cmdline, " \t\n", &save); word;
	     word = strtok_r(NULL, " \t\n", &save)) {
		size_t n = strlen(FORCE_KEY);
		if (!strncmp(word, FORCE_KEY, n) && (word[n] == '=' || word[n] == '\0'))
			found = true;
	}
	free(cmdline);
	return found;
}

static void load(struct settings *settings, struct state_config *cfg)
{
	state_config_defaults(cfg);
	for (const struct schema_field *f = schema_state; f->key; f++) {
		const char *value = settings_get(settings, f->conf_key, NULL);
		char err[400];
		if (value && state_config_set(cfg, f->conf_key, value, err, sizeof err) < 0)
			log_err("state: %s", err);
	}
	if (cfg->force[0] && cmdline_forces()) {
		log_err("state: " FORCE_KEY "= on the kernel command line: ignored, nothing will "
			"be forced this boot (set state_force in the image's init.conf)");
		cfg->force[0] = '\0';
	}
}

int state_volume_setup(struct settings *settings)
{
	struct state_config cfg;
	load(settings, &cfg);
	return state_volume_run(&cfg);
}

/* A mount point: on another device than its parent directory. */
static bool is_mount_point(const char *path)
{
	char parent[PATH_MAX];
	struct stat self, up;
	snprintf(parent, sizeof parent, "%s/..", path);
	return stat(path, &self) == 0 && stat(parent, &up) == 0 && self.st_dev != up.st_dev;
}

int state_volume_shutdown(struct settings *settings)
{
	struct state_config cfg;
	load(settings, &cfg);
	if (state_config_disabled(&cfg))
		return 0;
	bool mounted = is_mount_point(cfg.mountpoint);
	int rc = state_volume_unmount(cfg.mountpoint);
	/* The line a clean shutdown is checked by (tests/init/40-vm-power-button). */
	if (rc == 0 && mounted && !is_mount_point(cfg.mountpoint))
		log_info("state: %s unmounted cleanly", cfg.mountpoint);
	return rc;
}
