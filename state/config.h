/* state_config: the state volume's settings, from init.conf keys.
 *
 * Contract: the keys, their bounds and defaults are schema/schema.h's
 * schema_state table (its conf_key column), the one the builder checks
 * the YAML's state: mapping with. state_config_defaults() fills the
 * table's defaults. state_config_set() applies one `key=value`; on bad
 * input it keeps the previous (default) value and writes a one-line error
 * naming the key, what is expected and the value used into err, returning
 * -1. Unknown keys return 1 (not ours), so a caller can feed it any key.
 * Nothing here touches the system. */
#ifndef STELE_STATE_CONFIG_H
#define STELE_STATE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define STATE_STATUS_PATH "/run/stele/state-status"

enum state_fsck_fail {
	STATE_FSCK_FAIL_RO,   /* mount read-only when e2fsck says 4+ */
	STATE_FSCK_FAIL_NONE, /* do not mount at all */
};

struct state_config {
	char spec[256]; /* "", "none", "auto", "/dev/x", "LABEL=x", "UUID=x" */
	char fs[16];
	char label[17]; /* ext4 labels hold 16 bytes */
	char mountpoint[256];
	char options[256];
	bool required;
	char force[256]; /* the one device path that may be formatted when not blank */
	int wait_s;
	enum state_fsck_fail fsck_fail;
	char status_path[256];
};

void state_config_defaults(struct state_config *cfg);

int state_config_set(struct state_config *cfg, const char *key, const char *value, char *err,
		     size_t errlen);

/* True when spec asks for no state volume: unset or "none". */
bool state_config_disabled(const struct state_config *cfg);

#endif
