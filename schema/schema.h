/* schema: the one definition of the settings an image's YAML gives a
 * container (stele.json beside its config.json) and the state volume
 * (init.conf's state_* keys). The builder converts and checks the YAML
 * with it, writes stele.json and init.conf from it; stele-onboot, the
 * supervisor and init parse those files with it. A value one side takes
 * is therefore a value the other side takes.
 *
 * Contract: schema_bundle[] and schema_state[] are {0}-terminated tables
 * of fields: key, type, bounds, allowed values, which containers a key
 * is for, the default, and the words messages use for a good value
 * (`expected`). The checks below only read the tables; they never
 * allocate, never fail otherwise and use libc alone, so every program
 * (PID 1's stage 1 included) can link them. Walking a JSON document
 * against the table is hostlib/settings.h's job (jansson); the YAML
 * side is builder/yamlconv.c's. */
#ifndef STELE_SCHEMA_H
#define STELE_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

/* Bounds other modules size their arrays and checks by. */
#define SCHEMA_SECONDS_MAX	    86400   /* a day: any timeout, in seconds */
#define SCHEMA_RETRY_MAX	    1000    /* on_failure: retry:N */
#define SCHEMA_RESTART_LIMIT_MAX    64	    /* restart_limit */
#define SCHEMA_PIDS_MAX		    4194304 /* pids: the kernel's pid_max limit */
#define SCHEMA_DEPENDS_MAX	    64	    /* depends_on entries */
#define SCHEMA_NAME_MAX		    63	    /* container and service names, bytes */
#define SCHEMA_IFNAME_MAX	    15	    /* IFNAMSIZ - 1 */
#define SCHEMA_CONF_TEXT_MAX	    255	    /* an init.conf value */
#define SCHEMA_WATCHDOG_TIMEOUT_MAX 3600    /* watchdog_timeout, seconds */

enum schema_type {
	SCHEMA_BOOL,
	SCHEMA_INT,	    /* min..max */
	SCHEMA_STR,	    /* length min..max bytes; one of values, or what rule takes */
	SCHEMA_LIST,	    /* min..max entries, each an .item */
	SCHEMA_OBJ,	    /* the keys of .item, a {0}-terminated table */
	SCHEMA_MAP,	    /* keys from .values, each value an .item */
	SCHEMA_UNSUPPORTED, /* LinuxKit's, not stele's: always refused, .expected says why */
};

enum schema_rule {
	SCHEMA_TEXT,	   /* any text within the length bounds */
	SCHEMA_ABS_PATH,   /* starts with '/' */
	SCHEMA_NAME,	   /* schema_name_valid() */
	SCHEMA_RETRY,	   /* besides .values: retry:N, N 1..SCHEMA_RETRY_MAX */
	SCHEMA_DEVICE,	   /* /PATH, LABEL=x, UUID=x (besides .values auto, none) */
	SCHEMA_MOUNTPOINT, /* absolute, not "/", no ".." component */
};

/* Which containers a key is for. */
#define SCHEMA_ONBOOT  1u /* onboot and onshutdown */
#define SCHEMA_SERVICE 2u
#define SCHEMA_ALL     3u

struct schema_field {
	const char *key;
	enum schema_type type;
	unsigned scope;		   /* SCHEMA_ONBOOT, SCHEMA_SERVICE or both */
	const char *scope_fix;	   /* the fix when used outside its scope */
	long long min, max;	   /* INT: value; STR: length; LIST: entries */
	const char *const *values; /* STR: allowed values (NULL: rule decides); MAP: keys */
	enum schema_rule rule;
	const struct schema_field *item;   /* LIST, MAP: an entry; OBJ: its table */
	bool required;			   /* in an object: must be there */
	const char *needs;		   /* a key of the same object this one needs */
	const char *needs_if;		   /* STR: needs holds only for this value */
	bool generated;			   /* written by the builder, no YAML key */
	long long def_onboot, def_service; /* BOOL, INT defaults */
	const char *def;		   /* STR default; and the documented one */
	const char *expected;		   /* "whole seconds, 1 to 86400" */
	const char *conf_key;		   /* schema_state: the init.conf key */
};

extern const struct schema_field schema_bundle[];
extern const struct schema_field schema_state[];
extern const struct schema_field schema_watchdog[];
extern const struct schema_field schema_update[];
extern const struct schema_field schema_containers[];
/* A container's name, and each entry of depends_on: schema_name_valid(). */
extern const struct schema_field schema_name_field;

/* What is wrong with a value, for schema_problem(). */
enum schema_problem {
	SCHEMA_OK,
	SCHEMA_UNKNOWN, /* no such key */
	SCHEMA_SCOPE,	/* a key for other containers */
	SCHEMA_TYPE,	/* wrong type */
	SCHEMA_VALUE,	/* right type, value not allowed */
	SCHEMA_MISSING, /* a required key is absent */
	SCHEMA_NEEDS,	/* a key that needs another, which is absent */
	SCHEMA_REFUSED, /* SCHEMA_UNSUPPORTED */
};

/* The field of table called key, or NULL. */
const struct schema_field *schema_find(const struct schema_field *table, const char *key);
/* schema_state's or schema_watchdog's field for an init.conf key, or NULL. */
const struct schema_field *schema_state_by_conf(const char *conf_key);

bool schema_in_scope(const struct schema_field *f, unsigned kind);
long long schema_default(const struct schema_field *f, unsigned kind);

bool schema_int_ok(const struct schema_field *f, long long v);
bool schema_str_ok(const struct schema_field *f, const char *s);
bool schema_count_ok(const struct schema_field *f, size_t n); /* LIST entries */
bool schema_map_key_ok(const struct schema_field *f, const char *key);
/* on_failure: the N of "retry:N", or -1 when s is no valid retry:N. */
long schema_retry_count(const char *s);

/* A container's name (its bundle directory, what depends_on names): 1 to
 * SCHEMA_NAME_MAX of [A-Za-z0-9_.-], not starting with '.'. */
bool schema_name_valid(const char *name);

/* init.conf text: "1", "true", "yes", "on" (any case) and the opposites. */
int schema_conf_bool(const char *text, bool *out);
/* Check an init.conf value for a schema_state field. */
bool schema_conf_ok(const struct schema_field *f, const char *text);

/* The words for a problem with f, e.g. "\"9\" is not valid; expected
 * always, on-failure or never". value: the offending value as text, or
 * NULL. Always terminated; returns out. */
char *schema_problem(enum schema_problem p, const struct schema_field *f, const char *value,
		     char *out, size_t len);

#endif
