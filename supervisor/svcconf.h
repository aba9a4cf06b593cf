/* svcconf: a service's settings, from the stele.json beside its config.json
 * (schema in docs/design.md).
 *
 * Contract: svcconf_load() starts from the defaults (restart always, ready
 * when running, timeout 60 s, grace 10 s, backoff 1 s doubling up to 60 s,
 * failed after 5 failures within 60 s); a missing stele.json is not an
 * error. It returns 0, or -1 with one line in err naming the file, the key
 * and the fix. Keys that only concern onboot containers (on_failure,
 * console) are accepted and ignored; runtime may hold mkdir and mounts
 * (checked here, done by prepare.h), not interfaces or bindNS (onboot
 * only); unknown keys are errors, so a typo does not silently change
 * nothing. */
#ifndef STELE_SVCCONF_H
#define STELE_SVCCONF_H

#include "supervisor/restart.h"

#include <stdbool.h>
#include <stddef.h>

enum ready_mode { READY_RUNNING, READY_NOTIFY };

struct svcconf {
	struct restart_policy restart;
	enum ready_mode ready;
	int timeout_s; /* notify services: time to READY=1 before a restart */
	int grace_s;   /* SIGTERM to SIGKILL at stop */
	bool optional; /* failing does not count against boot complete */
	bool binds_state;
	char **depends_on; /* owned, n_depends entries */
	size_t n_depends;
};

/* A service name (its bundle directory, and what depends_on names): 1-63 of
 * [A-Za-z0-9._-], not starting with a dot. */
bool service_name_valid(const char *name);

void svcconf_defaults(struct svcconf *c);
/* json: the document's text; source: its name for messages. */
int svcconf_parse(const char *json, size_t len, const char *source, struct svcconf *c, char *err,
		  size_t errlen);
int svcconf_load(const char *path, struct svcconf *c, char *err, size_t errlen);
void svcconf_free(struct svcconf *c);

#endif
