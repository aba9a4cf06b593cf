// sources: ctl/plot.c
/* plot: the SVG has a row per span plus the kernel, bars where the spans
 * are on the axis, escaped names, unfinished spans drawn to the end, and a
 * write error is reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "ctl/plot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct span span(const char *kind, const char *name, double start, double running,
			double end)
{
	struct span s = {.start_ms = start, .running_ms = running, .end_ms = end};
	snprintf(s.kind, sizeof s.kind, "%s", kind);
	snprintf(s.name, sizeof s.name, "%s", name);
	return s;
}

/* The SVG of the spans, as a string the caller frees. */
static char *render(struct span *spans, size_t n, double complete)
{
	struct timeline_spans t = {.spans = spans, .n = n, .boot_complete_ms = complete};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(plot_svg(&t, f), 0);
	fclose(f);
	return buf;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void a_row_per_span_and_the_kernel(void **state)
{
	struct span s[] = {span("phase", "mounts", 1000, -1, 1100),
			   span("onboot", "dhcpcd", 1200, -1, 1900),
			   span("service", "redis", 2000, 2400, 2500)};
	char *svg = render(s, 3, 2600);
	assert_int_equal(count(svg, "<g class="), 4);
	assert_non_null(strstr(svg, "<g class=\"kernel\">"));
	assert_non_null(strstr(svg, ">phase:mounts (100 ms)</text>"));
	assert_non_null(strstr(svg, ">service:redis (500 ms)</text>"));
	/* The service's starting part (2000..2400) and its ready part. */
	assert_int_equal(count(svg, "class=\"starting\""), 1);
	assert_non_null(strstr(svg, "Boot complete at 2600 ms"));
	assert_int_equal(count(svg, "<line class=\"complete\""), 1);
	free(svg);
}

/* The axis ends on a whole tick after the last event: 2600 ms with 200 ms
 * ticks ends at 2800, so x(2600) = 20 + 2600 * 1000 / 2800. */
static void bars_sit_on_the_time_axis(void **state)
{
	struct span s[] = {span("phase", "a", 0, -1, 2600)};
	char *svg = render(s, 1, 2600);
	assert_non_null(strstr(svg, ">2800 ms</text>"));
	assert_null(strstr(svg, ">3000 ms</text>"));
	assert_non_null(strstr(svg, "<line class=\"complete\" x1=\"948.6\""));
	/* A span starting at 0 leaves no room for a kernel row. */
	assert_null(strstr(svg, "class=\"kernel\""));
	free(svg);
}

static void names_are_escaped(void **state)
{
	struct span s[] = {span("service", "<a&b>\"'", 10, -1, 20)};
	char *svg = render(s, 1, -1);
	assert_non_null(strstr(svg, "service:&lt;a&amp;b&gt;&quot;&apos;"));
	assert_null(strstr(svg, "<a&b>"));
	free(svg);
}

static void unfinished_spans_reach_the_end(void **state)
{
	struct span s[] = {span("service", "stuck", 100, -1, -1)};
	char *svg = render(s, 1, -1);
	assert_non_null(strstr(svg, "<g class=\"service open\">"));
	assert_non_null(strstr(svg, "service:stuck (unfinished)"));
	assert_non_null(strstr(svg, "Boot not complete yet"));
	assert_null(strstr(svg, "class=\"complete\""));
	free(svg);
}

static void a_write_error_is_reported(void **state)
{
	FILE *full = fopen("/dev/full", "we");
	if (!full)
		skip();
	struct span s[] = {span("phase", "a", 0, -1, 10)};
	struct timeline_spans t = {.spans = s, .n = 1, .boot_complete_ms = 10};
	assert_int_equal(plot_svg(&t, full), -1);
	fclose(full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_row_per_span_and_the_kernel),
	    cmocka_unit_test(bars_sit_on_the_time_axis),
	    cmocka_unit_test(names_are_escaped),
	    cmocka_unit_test(unfinished_spans_reach_the_end),
	    cmocka_unit_test(a_write_error_is_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
