/* settings: a bundle's stele.json, the settings beside its config.json
 * (keys, bounds and defaults: schema/schema.h's schema_bundle; reference:
 * docs/design.md). The one parser for onboot and onshutdown containers
 * (stele-onboot), services (the supervisor) and the builder's check of
 * what it writes.
 *
 * Contract: settings_check() walks a parsed document against the table
 * for one kind of container (SCHEMA_ONBOOT or SCHEMA_SERVICE), reports
 * every problem (an unknown key, a key for the other kind, a wrong type,
 * a value out of bounds, a missing key an object needs) through report,
 * and returns how many there were. bundle_settings_parse() and
 * bundle_settings_load() check, then fill the struct over the table's
 * defaults for that kind, and return 0, or -1 with the first problem in
 * err as one line: `"KEY": what is expected` (behind the file's path for
 * _load). A missing file is not an error: the defaults apply. Strings
 * point into the parsed document: valid until bundle_settings_free(). */
#ifndef STELE_HOSTLIB_SETTINGS_H
#define STELE_HOSTLIB_SETTINGS_H

#include "schema/schema.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum on_failure { ON_FAILURE_CONTINUE, ON_FAILURE_RETRY, ON_FAILURE_HALT, ON_FAILURE_POWEROFF };

/* Namespaces bindNS may pin, in the order of /proc/PID/ns/ names. */
enum ns_kind { NS_NET, NS_UTS, NS_IPC, NS_PID, NS_MNT, NS_CGROUP, NS_USER, NS_COUNT };
extern const char *const ns_names[NS_COUNT];

struct hook_mount {
	const char *type;
	const char *source;
	const char *destination;
	char *options; /* the options array joined by commas, owned */
};

struct hook_iface {
	const char *name;
	const char *add;  /* NULL: move an existing interface; "veth": create a pair;
			   * another link type (wireguard, dummy, ...): create one */
	const char *peer; /* the other end of a veth (a peer alone means veth) */
	bool create_in_root;
};

struct runtime_hooks {
	const char **mkdirs;
	size_t n_mkdirs;
	const char **cgroups; /* LinuxKit's runtime.cgroups: folders under /sys/fs/cgroup */
	size_t n_cgroups;
	struct hook_mount *mounts;
	size_t n_mounts;
	struct hook_iface *ifaces;
	size_t n_ifaces;
	const char *bind_ns[NS_COUNT]; /* NULL: not bound */
};

struct bundle_settings {
	unsigned kind; /* SCHEMA_ONBOOT or SCHEMA_SERVICE */
	/* every container */
	unsigned timeout_s; /* onboot: the run; services: READY=1 */
	unsigned grace_s;   /* between SIGTERM and SIGKILL */
	bool console;	    /* output mirrored to the console as "NAME: line" */
	bool binds_state;
	struct runtime_hooks runtime;
	/* onboot and onshutdown containers */
	enum on_failure on_failure;
	unsigned retries; /* extra runs allowed by retry:N */
	/* services */
	const char *restart; /* one of the table's values */
	const char *ready;
	bool optional;
	unsigned restart_limit, restart_window_s, backoff_max_s;
	unsigned pids; /* pids.max when the spec sets no linux.resources.pids */
	const char **depends_on;
	size_t n_depends;
	void *doc; /* the parsed JSON document the strings live in */
};

typedef void (*settings_report_fn)(void *ctx, const char *path, enum schema_problem p,
				   const struct schema_field *f, const char *value);

int settings_check(const json_t *doc, unsigned kind, settings_report_fn report, void *ctx);

void bundle_settings_defaults(struct bundle_settings *s, unsigned kind);
int bundle_settings_parse(const char *text, size_t len, unsigned kind, struct bundle_settings *s,
			  char *err, size_t errlen);
int bundle_settings_load(const char *path, unsigned kind, struct bundle_settings *s, char *err,
			 size_t errlen);
void bundle_settings_free(struct bundle_settings *s);

const char *on_failure_name(enum on_failure f);

#endif
