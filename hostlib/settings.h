/* settings: the per-container settings an onboot bundle carries in
 * stele.json beside config.json (schema in docs/design.md).
 *
 * Contract: settings_defaults() gives the values used when stele.json is
 * absent or silent: on_failure continue, timeout 60 s, grace 10 s, console
 * on, no runtime hooks. settings_parse() and settings_load() start from the
 * defaults and return 0, or -1 with one line in err naming the bad key and
 * the fix. Keys meant for services (restart, depends_on, ...) are ignored.
 * Strings point into the parsed document: valid until settings_free(). */
#ifndef STELE_ONBOOT_SETTINGS_H
#define STELE_ONBOOT_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

enum on_failure { ON_FAILURE_CONTINUE, ON_FAILURE_RETRY, ON_FAILURE_HALT, ON_FAILURE_POWEROFF };

#define SETTINGS_DEFAULT_TIMEOUT 60
#define SETTINGS_DEFAULT_GRACE	 10

/* Namespaces bindNS may pin, in the order of /proc/PID/ns/ names. */
enum ns_kind { NS_NET, NS_UTS, NS_IPC, NS_PID, NS_MNT, NS_CGROUP, NS_COUNT };
extern const char *const ns_names[NS_COUNT];

struct hook_mount {
	const char *type;
	const char *source;
	const char *destination;
	char *options; /* the options array joined by commas, owned */
};

struct hook_iface {
	const char *name;
	const char *add;  /* NULL: move an existing interface; "veth": create a pair */
	const char *peer; /* the other end of a veth */
	bool create_in_root;
};

struct runtime_hooks {
	const char **mkdirs;
	size_t n_mkdirs;
	struct hook_mount *mounts;
	size_t n_mounts;
	struct hook_iface *ifaces;
	size_t n_ifaces;
	const char *bind_ns[NS_COUNT]; /* NULL: not bound */
};

struct onboot_settings {
	enum on_failure on_failure;
	unsigned retries;   /* extra runs allowed by retry:N */
	unsigned timeout_s; /* 0: none */
	unsigned grace_s;   /* between SIGTERM and SIGKILL */
	bool console;
	struct runtime_hooks runtime;
	void *doc; /* the parsed JSON document the strings live in */
};

void settings_defaults(struct onboot_settings *s);
int settings_parse(const char *text, struct onboot_settings *s, char *err, size_t errlen);
/* A missing file is not an error: the defaults apply. */
int settings_load(const char *path, struct onboot_settings *s, char *err, size_t errlen);
void settings_free(struct onboot_settings *s);

const char *on_failure_name(enum on_failure f);

#endif
