/* stage: the parts of the image tree that are not containers: the base
 * directories and device nodes, stele's components (the YAML's `init`),
 * host binaries with their shared libraries, /etc/stele/init.conf,
 * sysctls, the hostname, /etc/resolv.conf (a symlink to the resolver
 * init makes in /run: lib/resolver.h) and the YAML's `files`.
 *
 * Contract: each function returns 0, or -1 after one line naming the
 * YAML key or file at fault. Owners and device nodes go to st->meta. */
#ifndef STELE_CONFIG_STAGE_H
#define STELE_CONFIG_STAGE_H

#include "builder/meta.h"
#include "builder/schema.h"

struct stage {
	const char *tree;
	struct meta *meta;
	const char *bin_dir; /* stele's own binaries */
	const char *yml_dir; /* files' `source` paths are relative to it */
	const struct config *cfg;
};

int stage_base(struct stage *st);
int stage_components(struct stage *st);
int stage_etc(struct stage *st);
int stage_files(struct stage *st);

/* Copy a host binary and the shared libraries ldd names for it. */
int stage_host_binary(struct stage *st, const char *src, const char *dest);

#endif
