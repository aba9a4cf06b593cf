#include "builder/yamlconv.h"

#include "lib/log.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct yconv {
	const char *file;
	yaml_document_t doc;
	int errors;
	json_t *lines;	/* "//lines" of the innermost object that keeps them */
	char base[300]; /* that object's own path */
};

/* Remember KEY's line in the object that keeps lines, by its path from
 * that object. */
static void note_line(struct yconv *c, const char *key, int line)
{
	size_t n = strlen(c->base);
	if (!c->lines || strncmp(key, c->base, n) != 0)
		return;
	const char *rel = key + n;
	if (n && *rel == '.')
		rel++;
	if (*rel && !json_object_get(c->lines, rel))
		json_object_set_new(c->lines, rel, json_integer(line));
}

void yconv_error(struct yconv *c, int line, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char where[PATH_MAX + 300];
	snprintf(where, sizeof where, "%s:%d: %s", c->file, line, key);
	log_vmsg_as(LOG_ERR, where, fmt, ap);
	va_end(ap);
	c->errors++;
}

static int line_of(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool plain(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static bool parse_int(const yaml_node_t *n, json_int_t *out)
{
	if (!plain(n) || !*scalar(n))
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(scalar(n), &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static int parse_bool(const yaml_node_t *n)
{
	static const char *yes[] = {"true", "True", "TRUE", "yes", "Yes", "on"};
	static const char *no[] = {"false", "False", "FALSE", "no", "No", "off"};
	if (!plain(n))
		return -1;
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		if (strcmp(scalar(n), yes[i]) == 0)
			return 1;
		if (strcmp(scalar(n), no[i]) == 0)
			return 0;
	}
	return -1;
}

static bool is_null(const yaml_node_t *n)
{
	return plain(n) &&
	       (!*scalar(n) || strcmp(scalar(n), "null") == 0 || strcmp(scalar(n), "~") == 0);
}

static const char *type_name(enum ytype t)
{
	switch (t) {
	case Y_STR:
		return "a string";
	case Y_INT:
		return "an integer";
	case Y_BOOL:
		return "true or false";
	case Y_ID:
		return "a number or a name";
	case Y_STRLIST:
		return "a list of strings";
	case Y_STRMAP:
		return "a mapping of strings";
	case Y_OBJ:
		return "a mapping";
	case Y_OBJLIST:
		return "a list of mappings";
	case Y_ANY:
		return "a value";
	case Y_STR_OR_OBJ:
		return "a string or a mapping";
	}
	return "?";
}

static json_t *convert(struct yconv *c, yaml_node_t *n, const struct yfield *f, const char *key);
static json_t *convert_schema(struct yconv *c, yaml_node_t *n, const struct schema_field *f,
			      const char *key, bool conf_text);

static json_t *any(struct yconv *c, yaml_node_t *n)
{
	json_int_t i;
	int b;
	switch (n->type) {
	case YAML_SCALAR_NODE:
		if (parse_int(n, &i))
			return json_integer(i);
		if ((b = parse_bool(n)) >= 0)
			return json_boolean(b);
		if (is_null(n))
			return json_null();
		return json_string(scalar(n));
	case YAML_SEQUENCE_NODE: {
		json_t *a = json_array();
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++)
			json_array_append_new(a, any(c, yaml_document_get_node(&c->doc, *it)));
		return a;
	}
	case YAML_MAPPING_NODE: {
		json_t *o = json_object();
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(&c->doc, p->key);
			if (k->type != YAML_SCALAR_NODE)
				continue;
			json_object_set_new(o, scalar(k),
					    any(c, yaml_document_get_node(&c->doc, p->value)));
		}
		return o;
	}
	default:
		return json_null();
	}
}

static const struct yfield *find_field(const struct yfield *table, const char *key)
{
	for (; table && table->key; table++)
		if (strcmp(table->key, key) == 0)
			return table;
	return NULL;
}

/* A key the YAML may set: builder-written ones (binds_state) are not. */
static const struct schema_field *find_schema(const struct schema_field *table, const char *key)
{
	const struct schema_field *f = schema_find(table, key);
	return f && !f->generated ? f : NULL;
}

/* An unknown key: whether it is LinuxKit's and what stele has instead. */
static const char *unknown_key_fix(const char *key)
{
	static const char *const known[][2] = {
	    {"binary", "LinuxKit's kernel.binary; stele's equivalent is kernel.path: FILE"},
	    {"tar", "LinuxKit's kernel.tar; stele has no equivalent: kernel modules come from "
		    "kernel.modules_dir, remove it"},
	    {"platforms", "LinuxKit's volumes[].platforms; stele has no equivalent (one "
			  "architecture per build), remove it"},
	    {"format", "LinuxKit's volumes[].format; stele has no equivalent (volumes are "
		       "folders), remove it"},
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(key, known[i][0]) == 0)
			return known[i][1];
	return "unknown key, neither LinuxKit's nor stele's; see builder/README.md for the "
	       "schema";
}

/* A mapping whose keys are those of table, then those of schema. */
static json_t *object(struct yconv *c, yaml_node_t *n, const struct yfield *table,
		      const struct schema_field *schema, bool conf_text, bool lines,
		      const char *where)
{
	json_t *o = json_object();
	json_t *ln = lines ? json_object() : NULL;
	json_t *outer_lines = c->lines;
	char outer_base[sizeof c->base];
	memcpy(outer_base, c->base, sizeof outer_base);
	if (ln) {
		c->lines = ln;
		snprintf(c->base, sizeof c->base, "%s", where);
	}
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(&c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&c->doc, p->value);
		char key[256];
		if (k->type != YAML_SCALAR_NODE) {
			yconv_error(c, line_of(k), where, "keys must be strings");
			continue;
		}
		snprintf(key, sizeof key, "%s%s%s", where, *where ? "." : "", scalar(k));
		const struct yfield *f = find_field(table, scalar(k));
		const struct schema_field *sf = f ? NULL : find_schema(schema, scalar(k));
		if (!f && !sf) {
			yconv_error(c, line_of(k), key, "%s", unknown_key_fix(scalar(k)));
			continue;
		}
		const char *name = f ? f->key : sf->key;
		if (json_object_get(o, name)) {
			yconv_error(c, line_of(k), key, "given twice; keep one");
			continue;
		}
		note_line(c, key, line_of(k));
		json_t *val = f ? convert(c, v, f, key) : convert_schema(c, v, sf, key, conf_text);
		if (val)
			json_object_set_new(o, name, val);
	}
	if (ln) {
		json_object_set_new(o, "//lines", ln);
		c->lines = outer_lines;
		memcpy(c->base, outer_base, sizeof outer_base);
	}
	return o;
}

static json_t *schema_list(struct yconv *c, yaml_node_t *n, const struct schema_field *f,
			   const char *key)
{
	if (is_null(n))
		return json_array();
	if (n->type != YAML_SEQUENCE_NODE)
		return NULL;
	json_t *v = json_array();
	char sub[300];
	int idx = 0;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++, idx++) {
		yaml_node_t *x = yaml_document_get_node(&c->doc, *it);
		snprintf(sub, sizeof sub, "%s[%d]", key, idx);
		note_line(c, sub, line_of(x));
		json_t *item = convert_schema(c, x, f->item, sub, false);
		if (item)
			json_array_append_new(v, item);
	}
	return v;
}

static json_t *schema_map(struct yconv *c, yaml_node_t *n, const struct schema_field *f,
			  const char *key)
{
	if (n->type != YAML_MAPPING_NODE)
		return NULL;
	json_t *v = json_object();
	char sub[300];
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(&c->doc, p->key);
		yaml_node_t *x = yaml_document_get_node(&c->doc, p->value);
		if (k->type != YAML_SCALAR_NODE) {
			yconv_error(c, line_of(k), key, "keys must be strings");
			continue;
		}
		snprintf(sub, sizeof sub, "%s.%s", key, scalar(k));
		note_line(c, sub, line_of(k));
		json_t *item = convert_schema(c, x, f->item, sub, false);
		if (item)
			json_object_set_new(v, scalar(k), item);
	}
	return v;
}

/* A value of a schema table, typed as stele.json will hold it (or as
 * init.conf's text); NULL, after an error naming what is expected, when
 * its YAML type does not fit. Bounds and values are checked later, by
 * the code the programs that read the file use (hostlib/settings.h,
 * schema_conf_ok()). */
static json_t *convert_schema(struct yconv *c, yaml_node_t *n, const struct schema_field *f,
			      const char *key, bool conf_text)
{
	json_t *v = NULL;
	json_int_t i;
	int b;
	if (conf_text || f->type == SCHEMA_STR)
		v = n->type == YAML_SCALAR_NODE ? json_string(scalar(n)) : NULL;
	else if (f->type == SCHEMA_BOOL)
		v = (b = parse_bool(n)) >= 0 ? json_boolean(b) : NULL;
	else if (f->type == SCHEMA_INT)
		v = parse_int(n, &i) ? json_integer(i) : NULL;
	else if (f->type == SCHEMA_LIST)
		v = schema_list(c, n, f, key);
	else if (f->type == SCHEMA_OBJ)
		v = n->type == YAML_MAPPING_NODE ? object(c, n, NULL, f->item, false, false, key)
						 : NULL;
	else if (f->type == SCHEMA_MAP)
		v = schema_map(c, n, f, key);
	else
		v = any(c, n); /* SCHEMA_UNSUPPORTED: refused with its reason later */
	if (!v)
		yconv_error(c, line_of(n), key, "expected %s", f->expected);
	return v;
}

static json_t *typed_scalar(struct yconv *c, yaml_node_t *n, enum ytype t)
{
	json_int_t i;
	int b;
	if (n->type != YAML_SCALAR_NODE)
		return NULL;
	switch (t) {
	case Y_INT:
		return parse_int(n, &i) ? json_integer(i) : NULL;
	case Y_BOOL:
		return (b = parse_bool(n)) >= 0 ? json_boolean(b) : NULL;
	case Y_ID:
		return parse_int(n, &i) ? json_integer(i) : json_string(scalar(n));
	default:
		(void)c;
		return json_string(scalar(n));
	}
}

static json_t *convert(struct yconv *c, yaml_node_t *n, const struct yfield *f, const char *key)
{
	json_t *v = NULL;
	switch (f->type) {
	case Y_STR:
	case Y_INT:
	case Y_BOOL:
	case Y_ID:
		v = typed_scalar(c, n, f->type);
		break;
	case Y_ANY:
		v = any(c, n);
		break;
	case Y_STR_OR_OBJ:
		if (n->type == YAML_SCALAR_NODE)
			v = json_string(scalar(n));
		else if (n->type == YAML_MAPPING_NODE)
			v = object(c, n, f->sub, f->schema, f->conf_text, f->lines, key);
		break;
	case Y_OBJ:
		if (n->type == YAML_MAPPING_NODE)
			v = object(c, n, f->sub, f->schema, f->conf_text, f->lines, key);
		break;
	case Y_STRMAP:
		if (n->type == YAML_MAPPING_NODE) {
			v = json_object();
			for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
			     p < n->data.mapping.pairs.top; p++) {
				yaml_node_t *k = yaml_document_get_node(&c->doc, p->key);
				yaml_node_t *x = yaml_document_get_node(&c->doc, p->value);
				if (k->type != YAML_SCALAR_NODE || x->type != YAML_SCALAR_NODE) {
					json_decref(v);
					v = NULL;
					break;
				}
				json_object_set_new(v, scalar(k), json_string(scalar(x)));
			}
		}
		break;
	case Y_STRLIST:
	case Y_OBJLIST:
		if (is_null(n)) /* an empty list: nothing for the item checks */
			return json_array();
		if (n->type != YAML_SEQUENCE_NODE)
			break;
		v = json_array();
		int idx = 0;
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++, idx++) {
			yaml_node_t *x = yaml_document_get_node(&c->doc, *it);
			char ikey[300];
			snprintf(ikey, sizeof ikey, "%s[%d]", key, idx);
			note_line(c, ikey, line_of(x));
			json_t *item = NULL;
			if (f->type == Y_STRLIST && x->type == YAML_SCALAR_NODE)
				item = json_string(scalar(x));
			else if (f->type == Y_OBJLIST && x->type == YAML_MAPPING_NODE)
				item =
				    object(c, x, f->sub, f->schema, f->conf_text, f->lines, ikey);
			if (!item) {
				yconv_error(c, line_of(x), ikey, "expected %s",
					    f->type == Y_STRLIST ? "a string" : "a mapping");
				continue;
			}
			if (f->check)
				f->check(c, line_of(x), ikey, item);
			json_array_append_new(v, item);
		}
		return v;
	}
	if (!v) {
		yconv_error(c, line_of(n), key, "expected %s", type_name(f->type));
		return NULL;
	}
	if (f->check)
		f->check(c, line_of(n), key, v);
	return v;
}

json_t *yamlconv_load(const char *file, const struct yfield *table, int *errors)
{
	struct yconv c = {.file = file};
	*errors = 0;
	FILE *f = fopen(file, "re");
	if (!f) {
		log_msg_as(LOG_ERR, NULL, "%s: cannot read: %s", file, strerror(errno));
		*errors = 1;
		return NULL;
	}
	yaml_parser_t parser;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	json_t *out = NULL;
	if (!yaml_parser_load(&parser, &c.doc)) {
		log_msg_as(LOG_ERR, NULL, "%s:%zu: YAML syntax: %s %s", file,
			   parser.problem_mark.line + 1, parser.problem ? parser.problem : "error",
			   parser.context ? parser.context : "");
		*errors = 1;
		yaml_parser_delete(&parser);
		fclose(f);
		return NULL;
	}
	yaml_node_t *root = yaml_document_get_root_node(&c.doc);
	if (!root || root->type != YAML_MAPPING_NODE)
		yconv_error(&c, root ? line_of(root) : 1, "(top)", "expected a mapping of keys");
	else
		out = object(&c, root, table, NULL, false, true, "");
	yaml_document_delete(&c.doc);
	yaml_parser_delete(&parser);
	fclose(f);
	*errors = c.errors;
	return out;
}

int yconv_line(const json_t *obj, const char *key)
{
	const json_t *lines = json_object_get(obj, "//lines");
	char path[300];
	snprintf(path, sizeof path, "%s", key);
	for (;;) {
		int line = (int)json_integer_value(json_object_get(lines, path));
		if (line)
			return line;
		char *cut = strrchr(path, '.');
		char *bracket = strrchr(path, '[');
		if (bracket && (!cut || bracket > cut))
			cut = bracket;
		if (!cut)
			return 0;
		*cut = '\0';
	}
}
