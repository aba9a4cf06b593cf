/* bundleparse: read the services' stele.json and config.json in a child
 * process, so that a parser fault (jansson, a hostile or broken bundle)
 * takes down a short-lived child, never the supervisor.
 *
 * Contract: bundles_parse() forks once; the child parses every bundle
 * (svcconf_load, ctrd_bundle_spec, spec_adjust) and streams one record per
 * bundle over a pipe; the parent checks every length and value it reads
 * against fixed bounds. The whole exchange is bounded by timeout_ms, after
 * which the child is killed. Each result is ok with its settings and the
 * adjusted spec, or not ok with one line naming the file and the fix.
 * Returns 0, or -1 with a one-line reason in err (nothing could be parsed:
 * fork failed, the child died or timed out); results already received stay
 * valid and the rest are marked not ok with that reason. Each ok result
 * also says whether the service may be created while onboot runs. */
#ifndef STELE_BUNDLEPARSE_H
#define STELE_BUNDLEPARSE_H

#include "supervisor/spec.h"
#include "supervisor/svcconf.h"

#include <stdbool.h>
#include <stddef.h>

#define BUNDLE_ERR_LEN	600
#define BUNDLE_LATE_LEN 240

struct bundle_request {
	const char *dir; /* absolute: .../services/NAME */
	const char *name;
	const char *notify_dir; /* bound in when the service says ready: notify */
	unsigned shim_group;	/* its default group (spec_shim_group) */
};

struct parsed_bundle {
	bool ok;
	char err[BUNDLE_ERR_LEN];
	struct svcconf conf;  /* depends_on owned: svcconf_free() */
	bool binds_state_dir; /* the spec binds from under the state mountpoint */
	char *spec;	      /* adjusted spec, NUL-terminated, malloc'd */
	size_t spec_len;
	bool early;			/* may be created while onboot runs (early.h) */
	char late_why[BUNDLE_LATE_LEN]; /* else why not */
	/* the shim group the adjusted spec names (spec_shim_group_name) */
	char shim_group_name[SPEC_SHIM_GROUP_NAME_MAX];
};

/* onboot_dir: CONTAINERS/onboot, whose bundles decide which services may
 * be created while onboot runs (early.h); NULL: no onboot. */
int bundles_parse(const struct bundle_request *req, size_t n, const char *ns,
		  const char *state_mountpoint, const char *onboot_dir, struct parsed_bundle *out,
		  int timeout_ms, char *err, size_t errlen);

#endif
