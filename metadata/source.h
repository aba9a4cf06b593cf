/* source: the raw material one metadata source yields, and how it becomes
 * a plan for /run/config.
 *
 * A source is filled by code that only reads (local files, the network)
 * and never interprets; source_plan() does all the interpreting and runs
 * in the sandboxed child. */
#ifndef STELE_METADATA_SOURCE_H
#define STELE_METADATA_SOURCE_H

#include "metadata/buf.h"
#include "metadata/hostconf.h"
#include "metadata/plan.h"

enum meta_format { META_NONE, META_NOCLOUD, META_OPENSTACK };

struct source {
	struct hostconf hc; /* provider, userdata; network providers fill meta too */
	enum meta_format meta_format;
	struct buf metadata; /* meta-data document, raw */
	struct buf cmdline;  /* the kernel command line, raw */
};

void source_init(struct source *src);
void source_free(struct source *src);

/* Find KEY=VALUE on a kernel command line (space-separated words); the
 * last occurrence wins, as for the kernel. Returns the value's length, or
 * -1 when absent; *value points into cmdline. */
long cmdline_value(const char *cmdline, const char *key, const char **value);

/* If the command line carries stele.userdata= (base64), make it the
 * userdata, with provider "cmdline". Returns 1 when it did, 0 when absent,
 * -1 after logging a decoding error. */
int source_from_cmdline(struct source *src);

/* Interpret the source: meta-data, the userdata (tree and stele keys),
 * then stele.hostname= from the command line, which wins. */
void source_plan(struct source *src, struct plan *p);

#endif
