#include "state/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const state_config_keys[] = {
    "state",	      "state_fs",    "state_label", "state_mountpoint", "state_options",
    "state_required", "state_force", "state_wait",  "state_fsck_fail",	NULL,
};

void state_config_defaults(struct state_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	strcpy(cfg->fs, "ext4");
	strcpy(cfg->label, "stele-state");
	strcpy(cfg->mountpoint, "/var/lib");
	strcpy(cfg->options, "noatime");
	cfg->required = false;
	cfg->wait_s = 10;
	cfg->fsck_fail = STATE_FSCK_FAIL_RO;
	strcpy(cfg->status_path, STATE_STATUS_PATH);
}

bool state_config_disabled(const struct state_config *cfg)
{
	return cfg->spec[0] == '\0' || strcmp(cfg->spec, "none") == 0;
}

static int bad(char *err, size_t errlen, const char *key, const char *value, const char *fix)
{
	snprintf(err, errlen, "%s=%s: %s", key, value, fix);
	return -1;
}

/* Copy value into a field, refusing what does not fit rather than cutting
 * a device path short. */
static int set_string(char *field, size_t size, const char *key, const char *value, char *err,
		      size_t errlen)
{
	if (strlen(value) >= size) {
		char fix[64];
		snprintf(fix, sizeof fix, "too long (at most %zu bytes); using the default",
			 size - 1);
		return bad(err, errlen, key, value, fix);
	}
	strcpy(field, value);
	return 0;
}

static int parse_bool(const char *value, bool *out)
{
	static const char *const yes[] = {"1", "true", "yes", "on"};
	static const char *const no[] = {"0", "false", "no", "off"};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		if (strcmp(value, yes[i]) == 0)
			return *out = true, 0;
		if (strcmp(value, no[i]) == 0)
			return *out = false, 0;
	}
	return -1;
}

static int set_spec(struct state_config *cfg, const char *value, char *err, size_t errlen)
{
	bool known = value[0] == '/' || strcmp(value, "auto") == 0 || strcmp(value, "none") == 0 ||
		     (!strncmp(value, "LABEL=", 6) && value[6]) ||
		     (!strncmp(value, "UUID=", 5) && value[5]);
	if (!known)
		return bad(err, errlen, "state", value,
			   "not a device: use /dev/PATH, LABEL=x, UUID=x, auto or none; no state "
			   "volume this boot");
	return set_string(cfg->spec, sizeof cfg->spec, "state", value, err, errlen);
}

static int set_wait(struct state_config *cfg, const char *value, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	long secs = strtol(value, &end, 10);
	if (errno || end == value || *end || secs < 0 || secs > 3600)
		return bad(err, errlen, "state_wait", value,
			   "not a number of seconds from 0 to 3600; using 10");
	cfg->wait_s = (int)secs;
	return 0;
}

int state_config_set(struct state_config *cfg, const char *key, const char *value, char *err,
		     size_t errlen)
{
	if (strcmp(key, "state") == 0)
		return set_spec(cfg, value, err, errlen);
	if (strcmp(key, "state_fs") == 0) {
		if (strcmp(value, "ext4") != 0)
			return bad(err, errlen, key, value,
				   "unsupported filesystem: only ext4 is; using ext4");
		return 0;
	}
	if (strcmp(key, "state_label") == 0) {
		if (!value[0] || strlen(value) > 16)
			return bad(err, errlen, key, value,
				   "an ext4 label has 1 to 16 bytes; using stele-state");
		strcpy(cfg->label, value);
		return 0;
	}
	if (strcmp(key, "state_mountpoint") == 0) {
		if (value[0] != '/' || strstr(value, "/../") || strcmp(value, "/") == 0)
			return bad(err, errlen, key, value,
				   "must be an absolute path other than /; using /var/lib");
		return set_string(cfg->mountpoint, sizeof cfg->mountpoint, key, value, err, errlen);
	}
	if (strcmp(key, "state_options") == 0)
		return set_string(cfg->options, sizeof cfg->options, key, value, err, errlen);
	if (strcmp(key, "state_required") == 0) {
		if (parse_bool(value, &cfg->required) < 0)
			return bad(err, errlen, key, value, "use 0 or 1; using 0");
		return 0;
	}
	if (strcmp(key, "state_force") == 0) {
		if (value[0] && value[0] != '/')
			return bad(err, errlen, key, value,
				   "must name one device by its path (/dev/...); nothing will "
				   "be forced");
		return set_string(cfg->force, sizeof cfg->force, key, value, err, errlen);
	}
	if (strcmp(key, "state_wait") == 0)
		return set_wait(cfg, value, err, errlen);
	if (strcmp(key, "state_fsck_fail") == 0) {
		if (strcmp(value, "ro") == 0)
			cfg->fsck_fail = STATE_FSCK_FAIL_RO;
		else if (strcmp(value, "none") == 0)
			cfg->fsck_fail = STATE_FSCK_FAIL_NONE;
		else
			return bad(err, errlen, key, value, "use ro or none; using ro");
		return 0;
	}
	return 1;
}
