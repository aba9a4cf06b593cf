/* plot: `stelectl plot`, the boot timeline as an SVG chart in the style of
 * `systemd-analyze plot`.
 *
 * Contract: plot_svg() draws the spans analyze_load() made (analyze.h): one
 * row per span in start order, a bar on a time axis from kernel start, the
 * kernel itself as the first row (0 to the first span), services in two
 * shades (start to running, running to ready), unfinished spans drawn to
 * the end of the axis in their own colour, and a line at boot complete. The output is a standalone,
 * well-formed SVG document and depends only on the spans (same timeline,
 * same bytes), so it can be compared with a recorded one. Names are
 * XML-escaped. Returns 0, or -1 when writing failed (errno set). */
#ifndef STELE_PLOT_H
#define STELE_PLOT_H

#include "ctl/analyze.h"

#include <stdio.h>

int plot_svg(const struct timeline_spans *t, FILE *out);

#endif
