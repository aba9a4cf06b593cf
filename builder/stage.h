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
/* init:'s mistakes, each one line: LinuxKit images, unknown components,
 * what the file's containers need and lacks. Returns how many. */
int stage_check_init(const struct config *cfg);
int stage_components(struct stage *st);
int stage_etc(struct stage *st);
/* files:' mistakes, each one line: paths, more than one of contents,
 * source, metadata, symlink and directory, ids that are neither numbers
 * nor container names, missing sources. Returns how many. */
int stage_check_files(const struct config *cfg, const char *yml_dir);
int stage_files(struct stage *st);

/* Copy a host binary and the shared libraries ldd names for it. */
int stage_host_binary(struct stage *st, const char *src, const char *dest);

#endif
