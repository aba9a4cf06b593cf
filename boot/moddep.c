#include "boot/moddep.h"

#include "lib/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deep enough for any real chain (the longest in Debian's kernel is < 10). */
#define MAX_DEPTH 32

struct resolver {
	const char *dep_text;
	const char *builtin_text;
	struct module_plan *plan;
	const char *stack[MAX_DEPTH];
	size_t depth;
	int problems;
	bool out_of_memory;
};

void module_name_of(const char *path, size_t len, char *name, size_t size)
{
	const char *end = path + len;
	const char *base = path;
	for (const char *p = path; p < end; p++)
		if (*p == '/')
			base = p + 1;
	size_t n = 0;
	for (const char *p = base; p < end && *p != '.' && n + 1 < size; p++)
		name[n++] = *p == '-' ? '_' : *p;
	name[n] = '\0';
}

static const char *line_end(const char *p)
{
	const char *nl = strchr(p, '\n');
	return nl ? nl : p + strlen(p);
}

/* The line of modules.dep (or modules.builtin) whose module is name. */
static const char *find_line(const char *text, const char *name, const char **colon)
{
	for (const char *line = text; line && *line;) {
		const char *end = line_end(line);
		const char *stop = memchr(line, ':', (size_t)(end - line));
		const char *path_end = stop ? stop : end;
		char found[MODULE_NAME_MAX];
		module_name_of(line, (size_t)(path_end - line), found, sizeof found);
		if (strcmp(found, name) == 0) {
			if (colon)
				*colon = path_end;
			return line;
		}
		line = *end ? end + 1 : NULL;
	}
	return NULL;
}

static long planned(const struct module_plan *plan, const char *name)
{
	for (size_t i = 0; i < plan->count; i++)
		if (strcmp(plan->steps[i].name, name) == 0)
			return (long)i;
	return -1;
}

static bool on_stack(const struct resolver *r, const char *name)
{
	for (size_t i = 0; i < r->depth; i++)
		if (strcmp(r->stack[i], name) == 0)
			return true;
	return false;
}

static void report_cycle(struct resolver *r, const char *name)
{
	char chain[512] = "";
	size_t used = 0;
	for (size_t i = 0; i < r->depth && used < sizeof chain; i++)
		used += (size_t)snprintf(chain + used, sizeof chain - used, "%s -> ", r->stack[i]);
	if (used < sizeof chain)
		snprintf(chain + used, sizeof chain - used, "%s", name);
	log_err("modules.dep: dependency cycle %s: run depmod for this kernel", chain);
	r->problems++;
}

static long add_step(struct resolver *r, const char *name, const char *path, size_t path_len,
		     size_t *deps, size_t ndeps)
{
	struct module_plan *plan = r->plan;
	struct module_step *grown = reallocarray(plan->steps, plan->count + 1, sizeof *grown);
	char *path_copy = strndup(path, path_len);
	if (!grown || !path_copy) {
		free(path_copy);
		if (grown)
			plan->steps = grown;
		free(deps);
		r->out_of_memory = true;
		return -1;
	}
	plan->steps = grown;
	struct module_step *s = &plan->steps[plan->count];
	*s = (struct module_step){.path = path_copy, .deps = deps, .ndeps = ndeps};
	snprintf(s->name, sizeof s->name, "%s", name);
	return (long)plan->count++;
}

/* -1: cannot be loaded (reported); -2: built in, nothing to load. */
static long visit(struct resolver *r, const char *name, const char *user);

/* Visit every dependency on a modules.dep line; their plan indices go to
 * *deps. false when one cannot be loaded. */
static bool visit_deps(struct resolver *r, const char *name, const char *list, const char *end,
		       size_t **deps, size_t *ndeps)
{
	bool complete = true;
	for (const char *p = list; p < end;) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		const char *word = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		if (p == word)
			break;
		char dep[MODULE_NAME_MAX];
		module_name_of(word, (size_t)(p - word), dep, sizeof dep);
		long index = visit(r, dep, name);
		if (index == -2)
			continue;
		if (index < 0) {
			complete = false;
			continue;
		}
		size_t *grown = reallocarray(*deps, *ndeps + 1, sizeof *grown);
		if (!grown) {
			r->out_of_memory = true;
			return false;
		}
		*deps = grown;
		(*deps)[(*ndeps)++] = (size_t)index;
	}
	return complete;
}

static long visit(struct resolver *r, const char *name, const char *user)
{
	long index = planned(r->plan, name);
	if (index >= 0)
		return index;
	if (on_stack(r, name)) {
		report_cycle(r, name);
		return -1;
	}
	const char *colon = NULL;
	const char *line = find_line(r->dep_text, name, &colon);
	if (!line) {
		if (r->builtin_text && find_line(r->builtin_text, name, NULL))
			return -2;
		log_err("module %s%s%s: not in modules.dep: check the name, or build the image "
			"for this kernel",
			name, user ? ", needed by " : "", user ? user : "");
		r->problems++;
		return -1;
	}
	if (r->depth == MAX_DEPTH) {
		log_err("module %s: dependencies nest deeper than %d", name, MAX_DEPTH);
		r->problems++;
		return -1;
	}
	r->stack[r->depth++] = name;
	size_t *deps = NULL, ndeps = 0;
	const char *end = line_end(line);
	bool complete = *colon == ':' ? visit_deps(r, name, colon + 1, end, &deps, &ndeps) : true;
	r->depth--;
	if (!complete) {
		free(deps);
		if (!r->out_of_memory) {
			log_err("module %s: left out, a module it needs cannot be loaded", name);
			r->problems++;
		}
		return -1;
	}
	return add_step(r, name, line, (size_t)(colon - line), deps, ndeps);
}

int moddep_resolve(const char *dep_text, const char *builtin_text, const char *const *names,
		   size_t nnames, struct module_plan *plan)
{
	struct resolver r = {.dep_text = dep_text, .builtin_text = builtin_text, .plan = plan};
	for (size_t i = 0; i < nnames && !r.out_of_memory; i++) {
		char name[MODULE_NAME_MAX];
		module_name_of(names[i], strlen(names[i]), name, sizeof name);
		visit(&r, name, NULL);
	}
	if (r.out_of_memory) {
		log_err("modules: out of memory");
		return -1;
	}
	return r.problems;
}

void module_plan_free(struct module_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++) {
		free(plan->steps[i].path);
		free(plan->steps[i].deps);
	}
	free(plan->steps);
	plan->steps = NULL;
	plan->count = 0;
}
