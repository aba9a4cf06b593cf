/* spec: a container's YAML entry and its image become the bundle's
 * config.json (OCI runtime spec, hardened) and stele.json.
 *
 * Contract: spec_merge() combines, key by key, the image's LinuxKit-style
 * defaults (label org.mobyproject.config) with the YAML entry, the YAML
 * winning, as LinuxKit's ConfigToOCI: `binds`/`capabilities` in the YAML
 * replace the label's, else the label's are extended by the YAML's `.add`;
 * `runtime` merges key by key.
 * spec_config() builds config.json from the merged entry and the image
 * config (Env, Entrypoint/Cmd, WorkingDir, User, YAML winning), with the
 * defaults documented in builder/README.md: no capabilities, inheritable
 * only the ambient ones, noNewPrivileges, Docker's seccomp allowlist, containerd's
 * masked and read-only paths, a read-only root, new pid and mount
 * namespaces, host net/ipc/uts. uid/gid names are looked up in the rootfs.
 * `insecure: true` adds SPEC_INSECURE_ENV to process.env: the getty
 * package then logs root in without a password (development images only).
 * spec_stele() builds stele.json from the keys of schema/schema.h's
 * schema_bundle that the merged entry has (YAML or image label), plus
 * binds_state; the caller checks it with hostlib/settings.h, the parser
 * the image's programs use. Errors print one line naming the container
 * and return NULL. */
#ifndef STELE_CONFIG_SPEC_H
#define STELE_CONFIG_SPEC_H

#include <jansson.h>
#include <stdbool.h>

#define SPEC_INSECURE_ENV "STELE_GETTY_INSECURE=1"
/* LinuxKit's volumes in the image: NAME/lower, NAME/merged, NAME/tmp
 * (hostlib/volumes.h mounts them at boot); a bind VOLUME:/DEST binds
 * NAME/merged. */
#define SPEC_VOLUMES_DIR "/containers/volumes"

/* New reference: the entry with the image's defaults under it. */
json_t *spec_merge(const json_t *entry, const json_t *image_config);

/* where: "FILE:LINE: SECTION[N]", the prefix of its one-line errors (what
 * the YAML gives was checked already: what fails here came from the
 * image, its label or its /etc/passwd). */
json_t *spec_config(const json_t *merged, const json_t *image_config, const char *rootfs,
		    const char *where);

/* A bind as LinuxKit takes it: SOURCE:/DEST[:OPTIONS], SOURCE absolute or
 * the name of a volume ([a-z0-9_-]). */
bool spec_bind_ok(const char *s);
/* A `mounts` entry with LinuxKit's defaults filled in (type from the
 * source, source from the type, destination from the type); new
 * reference, or NULL when type or destination stays unknown. */
json_t *spec_complete_mount(const json_t *given);

/* One rlimits entry as LinuxKit spells it: "nofile,1024,4096",
 * "RLIMIT_NOFILE, 1024, unlimited" (any case, spaces). type gets
 * "RLIMIT_NOFILE". 0, or -1 when it is not one. */
int spec_rlimit_parse(const char *s, char *type, size_t len, unsigned long long *soft,
		      unsigned long long *hard);

/* state_mountpoint: where the state volume is mounted (binds below it set
 * "binds_state"). */
json_t *spec_stele(const json_t *merged, const char *state_mountpoint);

#endif
