/* schema-cases: the schema property test's generator. It walks
 * schema/schema.h's tables and writes, for every key, bound, allowed
 * value, rule and container kind, a YAML file that differs from a good
 * image in one value, with what the builder and the boot-time parsers
 * must both say about it.
 *
 *   schema-cases OUTDIR ROOTFS KERNEL   writes OUTDIR/NNNN.yml, NNNN.want,
 *                                       and the file the builder would
 *                                       write from that value (NNNN.json,
 *                                       a stele.json; NNNN.conf, init.conf)
 *   schema-cases keys                   every YAML key of the tables
 *
 * NNNN.want holds key=value lines: what (the case), verdict (ok|bad),
 * parse (schema-boot's mode and kind), input (its file or name); for a
 * bad case also line, where (the key's path) and message: the builder
 * must print "NNNN.yml:LINE: WHERE: MESSAGE". Values sit on one line, in
 * JSON's flow syntax, which YAML reads the same way. */
#include "schema/schema.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sample {
	json_t *v;
	bool good;
	enum schema_problem p;
	const struct schema_field *at; /* the field the problem is about */
	char path[512];		       /* from the container, e.g. runtime.mkdir[0] */
	char value[300];	       /* for the message */
	bool has_value;
};

struct samples {
	struct sample *s;
	size_t n, cap;
};

static void add(struct samples *out, json_t *v, bool good, enum schema_problem p,
		const struct schema_field *at, const char *path, const char *value)
{
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 16;
		out->s = realloc(out->s, out->cap * sizeof *out->s);
		if (!out->s)
			exit(1);
	}
	struct sample *s = &out->s[out->n++];
	*s = (struct sample){.v = v, .good = good, .p = p, .at = at, .has_value = value != NULL};
	snprintf(s->path, sizeof s->path, "%s", path);
	snprintf(s->value, sizeof s->value, "%s", value ? value : "");
}

static void drop(struct samples *list)
{
	for (size_t i = 0; i < list->n; i++)
		json_decref(list->s[i].v);
	free(list->s);
	*list = (struct samples){0};
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	if (!s)
		exit(1);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* --- strings: values, rule samples, length bounds --------------------- */

struct texts {
	const char *good[16], *bad[16];
	size_t n_good, n_bad;
	char *owned[8];
	size_t n_owned;
};

static void text(struct texts *t, bool good, const char *s)
{
	const char **list = good ? t->good : t->bad;
	size_t *n = good ? &t->n_good : &t->n_bad;
	for (size_t i = 0; i < t->n_good; i++)
		if (strcmp(t->good[i], s) == 0)
			return;
	for (size_t i = 0; i < t->n_bad; i++)
		if (strcmp(t->bad[i], s) == 0)
			return;
	if (*n < 16)
		list[(*n)++] = s;
}

static void owned(struct texts *t, bool good, char *s)
{
	t->owned[t->n_owned++] = s;
	text(t, good, s);
}

static void rule_texts(enum schema_rule rule, struct texts *t)
{
	static const char *const name64 =
	    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn";
	switch (rule) {
	case SCHEMA_TEXT:
		break;
	case SCHEMA_ABS_PATH:
		text(t, true, "/run/x");
		text(t, false, "run/x");
		break;
	case SCHEMA_NAME: /* the one service the base image has besides the varied one */
		text(t, true, "other");
		text(t, false, ".x");
		text(t, false, "a b");
		text(t, false, name64);
		break;
	case SCHEMA_RETRY:
		text(t, true, "retry:1");
		text(t, true, "retry:1000");
		text(t, false, "retry:0");
		text(t, false, "retry:1001");
		text(t, false, "retry:x");
		break;
	case SCHEMA_DEVICE:
		text(t, true, "/dev/vdb");
		text(t, true, "LABEL=data");
		text(t, true, "UUID=1234-abcd");
		text(t, false, "vdb");
		text(t, false, "LABEL=");
		break;
	case SCHEMA_MOUNTPOINT:
		text(t, true, "/srv/state");
		text(t, false, "/");
		text(t, false, "var/lib");
		text(t, false, "/a/../b");
		break;
	}
}

static void string_texts(const struct schema_field *f, struct texts *t)
{
	for (const char *const *v = f->values; v && *v; v++)
		text(t, true, *v);
	rule_texts(f->rule, t);
	if (f->values && f->rule == SCHEMA_TEXT)
		text(t, false, "bogus");
	if (f->rule == SCHEMA_TEXT && !f->values) {
		owned(t, true, repeat('a', (size_t)(f->min ? f->min : 1)));
		owned(t, true, repeat('b', (size_t)f->max));
		owned(t, false, repeat('c', (size_t)f->max + 1));
	}
	if (f->min > 0)
		text(t, false, "");
}

static void texts_free(struct texts *t)
{
	for (size_t i = 0; i < t->n_owned; i++)
		free(t->owned[i]);
}

/* --- values of a field, good and bad ---------------------------------- */

static void gen(const struct schema_field *f, const char *path, unsigned kind, struct samples *out);

static json_t *first_good(const struct schema_field *f, unsigned kind)
{
	struct samples s = {0};
	gen(f, "", kind, &s);
	json_t *v = NULL;
	for (size_t i = 0; i < s.n && !v; i++)
		if (s.s[i].good)
			v = json_incref(s.s[i].v);
	drop(&s);
	return v;
}

static void gen_int(const struct schema_field *f, const char *path, struct samples *out)
{
	char v[32];
	add(out, json_integer(f->min), true, SCHEMA_OK, f, path, NULL);
	add(out, json_integer(f->max), true, SCHEMA_OK, f, path, NULL);
	snprintf(v, sizeof v, "%lld", f->min - 1);
	add(out, json_integer(f->min - 1), false, SCHEMA_VALUE, f, path, v);
	snprintf(v, sizeof v, "%lld", f->max + 1);
	add(out, json_integer(f->max + 1), false, SCHEMA_VALUE, f, path, v);
	add(out, json_string("5"), false, SCHEMA_TYPE, f, path, NULL);
	add(out, json_real(1.5), false, SCHEMA_TYPE, f, path, NULL);
}

static void gen_str(const struct schema_field *f, const char *path, struct samples *out)
{
	struct texts t = {0};
	string_texts(f, &t);
	for (size_t i = 0; i < t.n_good; i++)
		add(out, json_string(t.good[i]), true, SCHEMA_OK, f, path, NULL);
	for (size_t i = 0; i < t.n_bad; i++)
		add(out, json_string(t.bad[i]), false, SCHEMA_VALUE, f, path, t.bad[i]);
	add(out, json_pack("[s]", "x"), false, SCHEMA_TYPE, f, path, NULL);
	texts_free(&t);
}

static void gen_list(const struct schema_field *f, const char *path, unsigned kind,
		     struct samples *out)
{
	char item_path[600];
	snprintf(item_path, sizeof item_path, "%s[0]", path);
	if (f->min == 0)
		add(out, json_array(), true, SCHEMA_OK, f, path, NULL);
	struct samples items = {0};
	gen(f->item, item_path, kind, &items);
	for (size_t i = 0; i < items.n; i++) {
		struct sample *s = &items.s[i];
		add(out, json_pack("[O]", s->v), s->good, s->p, s->at, s->path,
		    s->has_value ? s->value : NULL);
	}
	drop(&items);
	json_t *one = first_good(f->item, kind), *many = json_array();
	for (long long i = 0; i <= f->max; i++)
		json_array_append(many, one);
	json_decref(one);
	add(out, many, false, SCHEMA_VALUE, f, path, NULL);
	add(out, json_string("x"), false, SCHEMA_TYPE, f, path, NULL);
}

/* An object with its required keys, each at its first good value. */
static json_t *base_object(const struct schema_field *table, unsigned kind)
{
	json_t *o = json_object();
	for (const struct schema_field *sf = table; sf->key; sf++)
		if (sf->required)
			json_object_set_new(o, sf->key, first_good(sf, kind));
	return o;
}

static void gen_key_of_object(const struct schema_field *table, const struct schema_field *sf,
			      const char *path, unsigned kind, struct samples *out)
{
	char sub[600];
	snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", sf->key);
	json_t *base = base_object(table, kind);
	if (!schema_in_scope(sf, kind)) {
		json_object_set_new(base, sf->key, first_good(sf, kind));
		add(out, base, false, SCHEMA_SCOPE, sf, sub, NULL);
		return;
	}
	const struct schema_field *needed = sf->needs ? schema_find(table, sf->needs) : NULL;
	struct samples values = {0};
	gen(sf, sub, kind, &values);
	for (size_t i = 0; i < values.n; i++) {
		struct sample *s = &values.s[i];
		json_t *o = json_deep_copy(base);
		json_object_set(o, sf->key, s->v);
		if (needed && !json_object_get(o, needed->key))
			json_object_set_new(o, needed->key, first_good(needed, kind));
		add(out, o, s->good, s->p, s->at, s->path, s->has_value ? s->value : NULL);
	}
	drop(&values);
	if (sf->required) {
		json_t *o = json_deep_copy(base);
		json_object_del(o, sf->key);
		add(out, o, false, SCHEMA_MISSING, sf, sub, NULL);
	}
	if (needed && !needed->required) {
		json_t *o = json_deep_copy(base);
		json_object_set_new(
		    o, sf->key, sf->needs_if ? json_string(sf->needs_if) : first_good(sf, kind));
		add(out, o, false, SCHEMA_NEEDS, sf, sub, NULL);
	}
	json_decref(base);
}

static void gen_object(const struct schema_field *f, const char *path, unsigned kind,
		       struct samples *out)
{
	char sub[600];
	add(out, base_object(f->item, kind), true, SCHEMA_OK, f, path, NULL);
	for (const struct schema_field *sf = f->item; sf->key; sf++)
		gen_key_of_object(f->item, sf, path, kind, out);
	json_t *o = base_object(f->item, kind);
	json_object_set_new(o, "bogus", json_true());
	snprintf(sub, sizeof sub, "%s%sbogus", path, *path ? "." : "");
	add(out, o, false, SCHEMA_UNKNOWN, NULL, sub, NULL);
	add(out, json_array(), false, SCHEMA_TYPE, f, path, NULL);
}

static void gen_map(const struct schema_field *f, const char *path, unsigned kind,
		    struct samples *out)
{
	char sub[600];
	add(out, json_object(), true, SCHEMA_OK, f, path, NULL);
	json_t *good = first_good(f->item, kind);
	for (const char *const *k = f->values; *k; k++)
		add(out, json_pack("{s:O}", *k, good), true, SCHEMA_OK, f, path, NULL);
	snprintf(sub, sizeof sub, "%s.bogus", path);
	add(out, json_pack("{s:O}", "bogus", good), false, SCHEMA_VALUE, f, sub, "bogus");
	json_decref(good);
	snprintf(sub, sizeof sub, "%s.%s", path, f->values[0]);
	struct samples items = {0};
	gen(f->item, sub, kind, &items);
	for (size_t i = 0; i < items.n; i++)
		if (!items.s[i].good)
			add(out, json_pack("{s:O}", f->values[0], items.s[i].v), false,
			    items.s[i].p, items.s[i].at, items.s[i].path,
			    items.s[i].has_value ? items.s[i].value : NULL);
	drop(&items);
	add(out, json_array(), false, SCHEMA_TYPE, f, path, NULL);
}

static void gen(const struct schema_field *f, const char *path, unsigned kind, struct samples *out)
{
	switch (f->type) {
	case SCHEMA_BOOL:
		add(out, json_true(), true, SCHEMA_OK, f, path, NULL);
		add(out, json_false(), true, SCHEMA_OK, f, path, NULL);
		add(out, json_string("true"), false, SCHEMA_TYPE, f, path, NULL);
		add(out, json_integer(1), false, SCHEMA_TYPE, f, path, NULL);
		break;
	case SCHEMA_INT:
		gen_int(f, path, out);
		break;
	case SCHEMA_STR:
		gen_str(f, path, out);
		break;
	case SCHEMA_LIST:
		gen_list(f, path, kind, out);
		break;
	case SCHEMA_OBJ:
		gen_object(f, path, kind, out);
		break;
	case SCHEMA_MAP:
		gen_map(f, path, kind, out);
		break;
	case SCHEMA_UNSUPPORTED:
		add(out, json_pack("[s]", "a"), false, SCHEMA_REFUSED, f, path, NULL);
		break;
	}
}

/* --- writing the cases ------------------------------------------------ */

struct writer {
	const char *dir, *rootfs, *kernel;
	int n;
};

struct kase {
	const char *section; /* onboot, services, onshutdown, or state */
	const char *name;    /* the varied container's name */
	const char *line;    /* the varied YAML line, without indentation */
	bool name_line;	     /* the varied line is the name */
	bool good;
	char where[600]; /* with the section: services[0].timeout */
	char message[600];
	char parse[32];	       /* schema-boot mode and kind */
	const char *artifact;  /* the would-be file's text, or the name */
	const char *extension; /* of the would-be file, or NULL: a name */
};

static const char *const sections[] = {"onboot", "services", "onshutdown"};
static const char *const first_names[] = {"first", "svc", "last"};

static void container(FILE *f, int *line, const struct writer *w, const char *name)
{
	fprintf(f, "  - name: %s\n    image: dir:%s\n    command: [/bin/true]\n", name, w->rootfs);
	*line += 3;
}

static void emit(struct writer *w, const struct kase *k)
{
	char path[4200];
	int id = w->n++, line = 0, at = 0;
	snprintf(path, sizeof path, "%s/%04d.yml", w->dir, id);
	FILE *f = fopen(path, "we");
	if (!f)
		exit(1);
	/* Services only where a case varies them (or no section): an image
	 * with services lists containerd, ~60 MB copied per build. */
	bool services = !k->section || strcmp(k->section, "services") == 0;
	fprintf(f, "kernel:\n  path: %s\ninit: [init, supervisor, onboot%s]\n", w->kernel,
		services ? ", containerd" : "");
	line = 3;
	for (size_t s = 0; s < 3; s++) {
		bool varied = k->section && strcmp(k->section, sections[s]) == 0;
		if (s == 1 && !services)
			continue;
		fprintf(f, "%s:\n", sections[s]);
		line++;
		if (varied && k->name_line) {
			fprintf(f, "  - %s\n    image: dir:%s\n    command: [/bin/true]\n", k->line,
				w->rootfs);
			at = line + 1;
			line += 3;
		} else {
			container(f, &line, w, varied && k->name ? k->name : first_names[s]);
		}
		if (varied && !k->name_line) {
			fprintf(f, "    %s\n", k->line);
			at = ++line;
		}
		if (s == 1)
			container(f, &line, w, "other");
	}
	if (k->section && strcmp(k->section, "state") == 0) {
		fprintf(f, "state:\n  %s\n", k->line);
		at = line + 2;
	}
	fclose(f);
	if (k->extension) {
		snprintf(path, sizeof path, "%s/%04d.%s", w->dir, id, k->extension);
		f = fopen(path, "we");
		if (!f)
			exit(1);
		fprintf(f, "%s\n", k->artifact);
		fclose(f);
	}
	snprintf(path, sizeof path, "%s/%04d.want", w->dir, id);
	f = fopen(path, "we");
	if (!f)
		exit(1);
	fprintf(f, "what=%s: %.100s\nverdict=%s\nparse=%s\n", k->where, k->line,
		k->good ? "ok" : "bad", k->parse);
	if (k->extension)
		fprintf(f, "input=%04d.%s\n", id, k->extension);
	else
		fprintf(f, "input=%s\n", k->artifact);
	if (!k->good)
		fprintf(f, "line=%d\nwhere=%s\nmessage=%s\n", at, k->where, k->message);
	fclose(f);
}

static void message(struct kase *k, const struct sample *s)
{
	schema_problem(s->p, s->at, s->has_value ? s->value : NULL, k->message, sizeof k->message);
}

/* One stele.json key of one section's first container. */
static void bundle_case(struct writer *w, size_t section, const char *key, const struct sample *s)
{
	json_t *doc = json_pack("{s:O}", key, s->v);
	char *line_value = json_dumps(s->v, JSON_ENCODE_ANY);
	char *artifact = json_dumps(doc, 0);
	char line[16384];
	snprintf(line, sizeof line, "%s: %s", key, line_value);
	struct kase k = {.section = sections[section],
			 .line = line,
			 .good = s->good,
			 .artifact = artifact,
			 .extension = "json"};
	snprintf(k.where, sizeof k.where, "%s[0].%s", sections[section], s->path);
	snprintf(k.parse, sizeof k.parse, "json %s", section == 1 ? "service" : "onboot");
	message(&k, s);
	emit(w, &k);
	free(line_value);
	free(artifact);
	json_decref(doc);
}

static void bundle_cases(struct writer *w)
{
	for (size_t section = 0; section < 3; section++) {
		unsigned kind = section == 1 ? SCHEMA_SERVICE : SCHEMA_ONBOOT;
		for (const struct schema_field *f = schema_bundle; f->key; f++) {
			if (f->generated)
				continue;
			struct samples list = {0};
			if (schema_in_scope(f, kind)) {
				gen(f, f->key, kind, &list);
			} else {
				add(&list, first_good(f, kind), false, SCHEMA_SCOPE, f, f->key,
				    NULL);
			}
			for (size_t i = 0; i < list.n; i++)
				bundle_case(w, section, f->key, &list.s[i]);
			drop(&list);
		}
		struct sample typo = {.v = json_true(), .p = SCHEMA_UNKNOWN, .path = "restrat"};
		bundle_case(w, section, "restrat", &typo);
		json_decref(typo.v);
	}
}

/* binds_state is the builder's to write: a bind from the state volume. */
static void binds_state_case(struct writer *w)
{
	struct kase k = {.section = "services",
			 .line = "binds: [\"/var/lib/x:/x\"]",
			 .good = true,
			 .artifact = "{\"binds_state\": true}",
			 .extension = "json",
			 .parse = "json service",
			 .where = "services[0].binds_state"};
	emit(w, &k);
}

static void name_cases(struct writer *w)
{
	struct texts t = {0};
	text(&t, true, "a.b-c_1");
	owned(&t, true, repeat('n', SCHEMA_NAME_MAX));
	rule_texts(SCHEMA_NAME, &t);
	for (size_t section = 0; section < 3; section++) {
		for (int good = 1; good >= 0; good--) {
			size_t n = good ? t.n_good : t.n_bad;
			for (size_t i = 0; i < n; i++) {
				const char *name = good ? t.good[i] : t.bad[i];
				if (strcmp(name, "other") == 0)
					continue; /* taken by the base image */
				char line[300],
				    *quoted = json_dumps(json_string(name), JSON_ENCODE_ANY);
				snprintf(line, sizeof line, "name: %s", quoted);
				free(quoted);
				struct kase k = {.section = sections[section],
						 .line = line,
						 .name_line = true,
						 .good = good,
						 .artifact = name};
				snprintf(k.where, sizeof k.where, "%s[0].name", sections[section]);
				snprintf(k.parse, sizeof k.parse, "name %s",
					 section == 1 ? "service" : "onboot");
				schema_problem(SCHEMA_VALUE, &schema_name_field, name, k.message,
					       sizeof k.message);
				emit(w, &k);
			}
		}
	}
	texts_free(&t);
}

/* init.conf's values are text: the YAML's scalar, as init will read it. */
static void state_texts(const struct schema_field *f, struct texts *t)
{
	static const char *const ints[] = {"0", "3600", "-1", "3601", "ten", "0x10"};
	switch (f->type) {
	case SCHEMA_BOOL:
		text(t, true, "true");
		text(t, true, "no");
		text(t, true, "1");
		text(t, true, "OFF");
		text(t, false, "maybe");
		text(t, false, "2");
		break;
	case SCHEMA_INT:
		for (size_t i = 0; i < 6; i++) {
			char *end;
			long long v = strtoll(ints[i], &end, 10);
			text(t, !*end && v >= f->min && v <= f->max, ints[i]);
		}
		break;
	default:
		string_texts(f, t);
	}
}

static void state_cases(struct writer *w)
{
	for (const struct schema_field *f = schema_state; f->key; f++) {
		struct texts t = {0};
		state_texts(f, &t);
		for (int good = 1; good >= 0; good--) {
			size_t n = good ? t.n_good : t.n_bad;
			for (size_t i = 0; i < n; i++) {
				const char *value = good ? t.good[i] : t.bad[i];
				char line[4400], conf[4400];
				char *quoted = json_dumps(json_string(value), JSON_ENCODE_ANY);
				snprintf(line, sizeof line, "%s: %s", f->key, quoted);
				free(quoted);
				snprintf(conf, sizeof conf, "%s=%s", f->conf_key, value);
				struct kase k = {.section = "state",
						 .line = line,
						 .good = good,
						 .artifact = conf,
						 .extension = "conf",
						 .parse = "conf"};
				snprintf(k.where, sizeof k.where, "state.%s", f->key);
				schema_problem(SCHEMA_VALUE, f, value, k.message, sizeof k.message);
				emit(w, &k);
			}
		}
		texts_free(&t);
	}
}

/* Every YAML key of the tables, for the documentation check. */
static void keys(const struct schema_field *table, const char *prefix)
{
	for (const struct schema_field *f = table; f->key; f++) {
		if (f->generated)
			continue;
		printf("%s%s\n", prefix, f->key);
		if (f->type == SCHEMA_OBJ && table == schema_bundle)
			keys(f->item, "runtime.");
	}
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "keys") == 0) {
		keys(schema_bundle, "");
		keys(schema_state, "state.");
		return 0;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: schema-cases OUTDIR ROOTFS KERNEL | keys\n");
		return 2;
	}
	struct writer w = {.dir = argv[1], .rootfs = argv[2], .kernel = argv[3]};
	bundle_cases(&w);
	binds_state_case(&w);
	name_cases(&w);
	state_cases(&w);
	fprintf(stderr, "schema-cases: %d cases in %s\n", w.n, w.dir);
	return 0;
}
