#include "ctl/plot.h"

#include <errno.h>
#include <stdbool.h>

/* Geometry, in SVG user units (pixels). */
enum { ROW = 20, BAR = 14, TOP = 60, LEFT = 20, AXIS_WIDTH = 1000, LABEL_ROOM = 320 };

/* Tick steps a reader can count in: at most about 20 lines on the axis. */
static double tick_step(double total_ms)
{
	static const double steps[] = {10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000};
	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
		if (total_ms / steps[i] <= 20)
			return steps[i];
	return 60000;
}

static void put_escaped(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&apos;", out);
			break;
		default:
			/* XML 1.0 forbids most control characters outright. */
			fputc((unsigned char)*s < 0x20 ? '?' : *s, out);
		}
	}
}

/* The right end of the axis: the last thing that happened, rounded up to a
 * whole tick so the last bar never touches the edge. */
static double axis_end(const struct timeline_spans *t)
{
	double end = t->boot_complete_ms > 0 ? t->boot_complete_ms : 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct span *s = &t->spans[i];
		double last = s->end_ms > s->start_ms ? s->end_ms : s->start_ms;
		end = last > end ? last : end;
	}
	double step = tick_step(end);
	long ticks = (long)(end / step) + 1;
	return (double)ticks * step;
}

struct chart {
	FILE *out;
	double end_ms, px_per_ms;
	int rows;
};

static double x_of(const struct chart *c, double ms)
{
	return LEFT + ms * c->px_per_ms;
}

static void draw_axis(const struct chart *c, double height)
{
	double step = tick_step(c->end_ms);
	for (double ms = 0; ms <= c->end_ms + step / 2; ms += step) {
		double x = x_of(c, ms);
		fprintf(c->out,
			"<line class=\"tick\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\"/>\n"
			"<text class=\"axis\" x=\"%.1f\" y=\"%d\">%.0f ms</text>\n",
			x, TOP - 5, x, height - 20, x, TOP - 10, ms);
	}
}

/* One row: a bar (or two, for a service that ran before it was ready) and
 * its label with the duration. */
static void draw_row(struct chart *c, const char *cls, const char *kind, const char *name,
		     double start, double mid, double end)
{
	bool open = end < 0;
	double stop = open ? c->end_ms : end;
	double y = TOP + c->rows * ROW;
	fprintf(c->out, "<g class=\"%s%s\">\n", cls, open ? " open" : "");
	if (mid > start && mid < stop) {
		fprintf(c->out,
			"<rect class=\"starting\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%d\"/>\n",
			x_of(c, start), y, (mid - start) * c->px_per_ms, BAR);
		start = mid;
	}
	fprintf(c->out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\"/>\n",
		x_of(c, start), y, (stop - start) * c->px_per_ms, BAR);
	fprintf(c->out, "<text x=\"%.1f\" y=\"%.1f\">", x_of(c, stop) + 4, y + BAR - 3);
	if (kind) {
		put_escaped(c->out, kind);
		fputc(':', c->out);
	}
	put_escaped(c->out, name);
	if (open)
		fputs(" (unfinished)", c->out);
	fputs("</text>\n</g>\n", c->out);
	c->rows++;
}

static void draw_spans(struct chart *c, const struct timeline_spans *t)
{
	/* The kernel: from its start to the first thing init recorded. */
	double first = t->n ? t->spans[0].start_ms : -1;
	if (first > 0)
		draw_row(c, "kernel", NULL, "kernel", 0, -1, first);
	for (size_t i = 0; i < t->n; i++) {
		const struct span *s = &t->spans[i];
		/* A service is "starting" until its task runs, then "ready"
		 * waits on its own readiness. */
		double mid = s->running_ms >= 0 && s->end_ms > s->running_ms ? s->running_ms : -1;
		double end = s->end_ms;
		char name[96];
		snprintf(name, sizeof name, "%s (%.0f ms)", s->name,
			 end >= 0 ? end - s->start_ms : 0);
		draw_row(c, s->kind, s->kind, end >= 0 ? name : s->name, s->start_ms, mid, end);
	}
}

static const char style[] = "<style>\n"
			    "text { font-family: sans-serif; font-size: 11px; }\n"
			    ".title { font-size: 15px; font-weight: bold; }\n"
			    ".axis { font-size: 9px; text-anchor: middle; fill: #555; }\n"
			    ".tick { stroke: #ddd; stroke-width: 1; }\n"
			    ".kernel rect { fill: #b8b8b8; }\n"
			    ".phase rect { fill: #7aa6d8; }\n"
			    ".onboot rect { fill: #e0a050; }\n"
			    ".service rect { fill: #6cbf6c; }\n"
			    ".service rect.starting { fill: #c8e6c8; }\n"
			    ".open rect { fill: #e06060; fill-opacity: 0.5; }\n"
			    ".complete { stroke: #c00; stroke-width: 2; }\n"
			    "</style>\n";

int plot_svg(const struct timeline_spans *t, FILE *out)
{
	struct chart c = {.out = out, .end_ms = axis_end(t)};
	c.px_per_ms = AXIS_WIDTH / c.end_ms;
	int rows = (int)t->n + 1;
	double height = TOP + rows * ROW + 40;
	double width = LEFT + AXIS_WIDTH + LABEL_ROOM;
	errno = 0;
	fprintf(out,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\">\n%s"
		"<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#fff\"/>\n",
		width, height, width, height, style, width, height);
	if (t->boot_complete_ms >= 0)
		fprintf(out,
			"<text class=\"title\" x=\"%d\" y=\"22\">Boot complete at %.0f ms "
			"after the kernel started</text>\n",
			LEFT, t->boot_complete_ms);
	else
		fprintf(out,
			"<text class=\"title\" x=\"%d\" y=\"22\">Boot not complete yet</text>\n",
			LEFT);
	fprintf(out,
		"<text x=\"%d\" y=\"38\">kernel, init phases, onboot containers, services "
		"(light: starting, dark: running until ready)</text>\n",
		LEFT);
	draw_axis(&c, height);
	draw_spans(&c, t);
	if (t->boot_complete_ms >= 0) {
		double x = x_of(&c, t->boot_complete_ms);
		fprintf(
		    out,
		    "<line class=\"complete\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x,
		    TOP - 5, x, height - 20);
	}
	fputs("</svg>\n", out);
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}
