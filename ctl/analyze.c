#include "ctl/analyze.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static struct span *find_span(struct timeline_spans *t, const char *kind, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->spans[i].kind, kind) && !strcmp(t->spans[i].name, name))
			return &t->spans[i];
	return NULL;
}

static struct span *new_span(struct timeline_spans *t, size_t *cap, const char *kind,
			     const char *name, const char *src, double at)
{
	if (t->n == *cap) {
		size_t grown = *cap ? *cap * 2 : 64;
		struct span *s = realloc(t->spans, grown * sizeof *s);
		if (!s)
			return NULL;
		t->spans = s;
		*cap = grown;
	}
	struct span *s = &t->spans[t->n++];
	memset(s, 0, sizeof *s);
	snprintf(s->kind, sizeof s->kind, "%s", kind);
	snprintf(s->name, sizeof s->name, "%s", name);
	snprintf(s->src, sizeof s->src, "%s", src);
	s->start_ms = at;
	s->end_ms = s->running_ms = -1;
	return s;
}

static void add_event(struct timeline_spans *t, size_t *cap, const char *src, const char *kind,
		      const char *name, const char *event, double at)
{
	if (!strcmp(kind, "mark")) {
		if (!strcmp(name, "boot-complete") && t->boot_complete_ms < 0)
			t->boot_complete_ms = at;
		return;
	}
	struct span *s = find_span(t, kind, name);
	if (!strcmp(event, "start")) {
		if (!s)
			new_span(t, cap, kind, name, src, at);
		return;
	}
	if (!s)
		return;
	bool service = !strcmp(kind, "service");
	if (service && !strcmp(event, "running") && s->running_ms < 0)
		s->running_ms = at;
	bool ends = service ? !strcmp(event, "ready") || !strcmp(event, "failed")
			    : !strcmp(event, "end") || !strcmp(event, "failed");
	if (ends && s->end_ms < 0)
		s->end_ms = at;
}

static int by_start(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	return (x->start_ms > y->start_ms) - (x->start_ms < y->start_ms);
}

int analyze_load(const char *path, struct timeline_spans *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	t->boot_complete_ms = -1;
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	if (!root || !json_is_array(root)) {
		snprintf(err, errlen, "%s: %s: the timeline appears at boot complete", path,
			 root ? "not a JSON array" : jerr.text);
		json_decref(root);
		return -1;
	}
	size_t cap = 0, i;
	json_t *e;
	json_array_foreach(root, i, e)
	{
		const char *src = json_string_value(json_object_get(e, "src"));
		const char *kind = json_string_value(json_object_get(e, "kind"));
		const char *name = json_string_value(json_object_get(e, "name"));
		const char *event = json_string_value(json_object_get(e, "event"));
		json_t *at = json_object_get(e, "t_ms");
		if (src && kind && name && event && json_is_number(at))
			add_event(t, &cap, src, kind, name, event, json_number_value(at));
	}
	json_decref(root);
	/* A service that never reached ready still ends where it ran. */
	for (i = 0; i < t->n; i++)
		if (t->spans[i].end_ms < 0 && t->spans[i].running_ms >= 0)
			t->spans[i].end_ms = t->spans[i].running_ms;
	qsort(t->spans, t->n, sizeof *t->spans, by_start);
	return 0;
}

void analyze_free(struct timeline_spans *t)
{
	free(t->spans);
	t->spans = NULL;
	t->n = 0;
}

static double duration(const struct span *s)
{
	return s->end_ms >= 0 ? s->end_ms - s->start_ms : -1;
}

static int by_duration(const void *a, const void *b)
{
	double x = duration(*(const struct span *const *)a);
	double y = duration(*(const struct span *const *)b);
	return (x < y) - (x > y);
}

static void print_durations(const struct timeline_spans *t, FILE *out)
{
	const struct span **sorted = calloc(t->n + 1, sizeof *sorted);
	if (!sorted)
		return;
	size_t width = 4;
	for (size_t i = 0; i < t->n; i++) {
		sorted[i] = &t->spans[i];
		size_t w = strlen(t->spans[i].kind) + 1 + strlen(t->spans[i].name);
		width = w > width ? w : width;
	}
	qsort(sorted, t->n, sizeof *sorted, by_duration);
	fprintf(out, "%-*s  %10s  %10s  %10s\n", (int)width, "UNIT", "DURATION", "START",
		"RUNNING");
	for (size_t i = 0; i < t->n; i++) {
		const struct span *s = sorted[i];
		char label[96], dur[24] = "-", run[24] = "-";
		snprintf(label, sizeof label, "%s:%s", s->kind, s->name);
		if (duration(s) >= 0)
			snprintf(dur, sizeof dur, "%.0f ms", duration(s));
		if (s->running_ms >= 0)
			snprintf(run, sizeof run, "+%.0f ms", s->running_ms - s->start_ms);
		fprintf(out, "%-*s  %10s  %7.0f ms  %10s\n", (int)width, label, dur, s->start_ms,
			run);
	}
	free(sorted);
}

/* The chain that set the boot-complete time: from the mark, the span that
 * ended last before it, then the one that ended last before that span
 * started, and so on (systemd-analyze critical-chain, by time alone). */
static void print_chain(const struct timeline_spans *t, FILE *out)
{
	fprintf(out, "\nCritical chain:\n");
	double at = t->boot_complete_ms;
	if (at < 0) {
		fprintf(out, "  (no boot-complete mark yet)\n");
		return;
	}
	fprintf(out, "  boot-complete @%.0f ms\n", at);
	int depth = 1;
	const double slack = 1.0; /* marks of one instant may differ by rounding */
	for (;;) {
		const struct span *best = NULL;
		for (size_t i = 0; i < t->n; i++) {
			const struct span *s = &t->spans[i];
			if (s->end_ms < 0 || s->end_ms > at + slack || s->start_ms >= at)
				continue;
			if (!best || s->end_ms > best->end_ms)
				best = s;
		}
		if (!best)
			break;
		fprintf(out, "  %*s└─ %s:%s @%.0f ms +%.0f ms\n", depth * 2, "", best->kind,
			best->name, best->start_ms, duration(best));
		at = best->start_ms;
		depth++;
	}
}

void analyze_print(const struct timeline_spans *t, FILE *out)
{
	if (t->boot_complete_ms >= 0)
		fprintf(out, "Boot complete at %.0f ms after the kernel started.\n\n",
			t->boot_complete_ms);
	print_durations(t, out);
	print_chain(t, out);
}
