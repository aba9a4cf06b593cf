/* yamlconv: a YAML file, checked against a field table, becomes JSON.
 *
 * Contract: yamlconv_load() parses FILE with libyaml and converts the
 * root mapping with the given table. Every mistake (a syntax error, an
 * unknown key, a wrong type, a value a field's check rejects) is printed
 * as one line "FILE:LINE: KEY: what is expected" and counted; conversion
 * goes on so one run shows them all. Returns the JSON object, with what
 * could be converted and *errors the number of mistakes (the caller may
 * check more before it gives up), or NULL when the file is no YAML
 * mapping. Objects of a table that asks for it (lines = true) get a
 * "//lines" member: the path of every key and list entry below them
 * (e.g. "runtime.mounts[0].destination") -> line, for later errors. A
 * mapping whose yfield names a schema table (schema/schema.h) takes that
 * table's keys too: their values are converted by the table's types (or,
 * with conf_text, kept as the scalar's text, the way init.conf will hold
 * them), and checked later against the same table by the code that reads
 * them at boot (builder/schema.c). */
#ifndef STELE_CONFIG_YAMLCONV_H
#define STELE_CONFIG_YAMLCONV_H

#include "schema/schema.h"

#include <jansson.h>
#include <stdbool.h>

enum ytype {
	Y_STR,	   /* any scalar, as a string */
	Y_INT,	   /* a plain integer */
	Y_BOOL,	   /* true/false/yes/no */
	Y_ID,	   /* an integer, or a name (uid, gid) */
	Y_STRLIST, /* a sequence of scalars */
	Y_STRMAP,  /* a mapping of scalars to scalars */
	Y_OBJ,	   /* a mapping checked with .sub */
	Y_OBJLIST, /* a sequence of mappings checked with .sub */
	Y_ANY,	   /* passed through as it is (ints and bools typed) */
	Y_STR_OR_OBJ,
};

struct yconv;

/* Report an error at a line; checks use it. */
void yconv_error(struct yconv *c, int line, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

struct yfield {
	const char *key;
	enum ytype type;
	const struct yfield *sub; /* Y_OBJ, Y_OBJLIST, Y_STR_OR_OBJ: the table */
	/* Optional: check the converted value (called for each list item too). */
	void (*check)(struct yconv *c, int line, const char *key, const json_t *value);
	bool lines; /* record "//lines" in this object (Y_OBJ / Y_OBJLIST) */
	/* Y_OBJ, Y_OBJLIST: keys .sub lacks are this table's (none generated). */
	const struct schema_field *schema;
	bool conf_text; /* the schema's values as scalar text */
};

json_t *yamlconv_load(const char *file, const struct yfield *table, int *errors);

/* Line of KEY (a path below obj) in an object that recorded its lines,
 * else the line of the nearest parent path that has one, else 0. */
int yconv_line(const json_t *obj, const char *key);

#endif
