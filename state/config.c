#include "state/config.h"

#include "schema/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *default_of(const char *conf_key)
{
	return schema_state_by_conf(conf_key)->def;
}

void state_config_defaults(struct state_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	snprintf(cfg->fs, sizeof cfg->fs, "%s", default_of("state_fs"));
	snprintf(cfg->label, sizeof cfg->label, "%s", default_of("state_label"));
	snprintf(cfg->mountpoint, sizeof cfg->mountpoint, "%s", default_of("state_mountpoint"));
	snprintf(cfg->options, sizeof cfg->options, "%s", default_of("state_options"));
	cfg->required = false;
	cfg->wait_s = (int)schema_state_by_conf("state_wait")->def_onboot;
	cfg->fsck_fail = STATE_FSCK_FAIL_RO;
	snprintf(cfg->status_path, sizeof cfg->status_path, "%s", STATE_STATUS_PATH);
}

bool state_config_disabled(const struct state_config *cfg)
{
	return cfg->spec[0] == '\0' || strcmp(cfg->spec, "none") == 0;
}

/* Every value is checked against the table the builder checked it with;
 * what passes fits the fields below (SCHEMA_CONF_TEXT_MAX < 256). */
static void copy(char *field, size_t size, const char *value)
{
	snprintf(field, size, "%s", value);
}

int state_config_set(struct state_config *cfg, const char *key, const char *value, char *err,
		     size_t errlen)
{
	const struct schema_field *f = schema_state_by_conf(key);
	if (!f)
		return 1;
	if (!schema_conf_ok(f, value)) {
		char why[300];
		schema_problem(SCHEMA_VALUE, f, NULL, why, sizeof why);
		snprintf(err, errlen, "%s=%s: %s; using %s", key, value, why,
			 f->def ? f->def : "the default");
		return -1;
	}
	if (strcmp(key, "state") == 0)
		copy(cfg->spec, sizeof cfg->spec, value);
	else if (strcmp(key, "state_fs") == 0)
		copy(cfg->fs, sizeof cfg->fs, value);
	else if (strcmp(key, "state_label") == 0)
		copy(cfg->label, sizeof cfg->label, value);
	else if (strcmp(key, "state_mountpoint") == 0)
		copy(cfg->mountpoint, sizeof cfg->mountpoint, value);
	else if (strcmp(key, "state_options") == 0)
		copy(cfg->options, sizeof cfg->options, value);
	else if (strcmp(key, "state_required") == 0)
		schema_conf_bool(value, &cfg->required);
	else if (strcmp(key, "state_force") == 0)
		copy(cfg->force, sizeof cfg->force, value);
	else if (strcmp(key, "state_wait") == 0)
		cfg->wait_s = atoi(value);
	else if (strcmp(key, "state_fsck_fail") == 0)
		cfg->fsck_fail =
		    strcmp(value, "none") == 0 ? STATE_FSCK_FAIL_NONE : STATE_FSCK_FAIL_RO;
	return 0;
}
