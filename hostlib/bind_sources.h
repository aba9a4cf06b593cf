/* bind_sources: the bind mounts of an OCI spec whose source lives on the
 * state volume get that source created before the container is, at the
 * owner the container runs as (lib/state_bind.h does the walk). Shared by
 * stele-onboot (runner.c) and stele-supervisor (supervisor/prepare.c).
 *
 * Contract: bind_sources_create(spec, root) calls state_bind_source(root,
 * SOURCE, uid, gid, 0755) for every mount of spec that is a bind (type
 * "bind", or option "bind"/"rbind"), with uid:gid from process.user
 * (absent: 0). Sources not under root are left alone, and so is a source
 * that exists and is not a directory (a file bind). Returns 0, or -1 with
 * one line in err naming the source and the cause. Link
 * $(STATE_SHARED_OBJS). */
#ifndef STELE_ONBOOT_BIND_SOURCES_H
#define STELE_ONBOOT_BIND_SOURCES_H

#include <jansson.h>
#include <stddef.h>

int bind_sources_create(const json_t *spec, const char *root, char *err, size_t len);

#endif
