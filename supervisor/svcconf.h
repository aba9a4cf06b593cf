/* svcconf: a service's settings, from the stele.json beside its config.json
 * (schema/schema.h's table; reference in docs/design.md).
 *
 * Contract: svcconf_load() starts from the table's defaults for services
 * (restart always, ready when running, timeout 60 s, grace 10 s, console
 * off, backoff 1 s doubling up to 60 s, failed after 5 failures within
 * 60 s); a missing stele.json is not an error. It parses with
 * hostlib/settings.h, the parser stele-onboot and the builder use, so a
 * key for onboot containers only (on_failure, runtime.interfaces,
 * runtime.bindNS) and an unknown key are errors, as the builder says at
 * build time. It returns 0, or -1 with one line in err naming the file,
 * the key and what is expected. runtime.mkdir and runtime.mounts are done
 * by prepare.h. */
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
	bool console;	   /* output mirrored to the console as "NAME: line" */
	unsigned pids;	   /* default pids.max (spec.h) */
	char **depends_on; /* owned, n_depends entries */
	size_t n_depends;
};

/* A service name (its bundle directory, and what depends_on names):
 * schema_name_valid(). */
bool service_name_valid(const char *name);

void svcconf_defaults(struct svcconf *c);
/* json: the document's text; source: its name for messages. */
int svcconf_parse(const char *json, size_t len, const char *source, struct svcconf *c, char *err,
		  size_t errlen);
int svcconf_load(const char *path, struct svcconf *c, char *err, size_t errlen);
void svcconf_free(struct svcconf *c);

#endif
