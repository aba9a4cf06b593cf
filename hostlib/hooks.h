/* hooks: LinuxKit's `runtime:` section, done with libmount and libnl
 * instead of shell commands.
 *
 * Order, per container:
 *   hooks_before_create()  mounts, then mkdir, then cgroups (LinuxKit's
 *                          order): host side, before `runc create`, so
 *                          config.json's binds can use them. A relative
 *                          path (mount destination, mkdir) is relative to
 *                          BUNDLE/rootfs, as LinuxKit's; an overlay's
 *                          upperdir and workdir are created; a cgroup is
 *                          a folder under HOOKS_CGROUP_ROOT;
 *   hooks_after_create()   interfaces, then bindNS: they need the
 *                          container's namespaces, which exist between
 *                          `runc create` and `runc start`.
 * The runner calls hooks_before_create() once per container, not per
 * attempt, so retries do not stack mounts; bindNS replaces a namespace an
 * earlier attempt pinned at the same path.
 * Contract: each returns 0, or -1 with one line in err naming the hook and
 * the cause; the caller fails the container (its on_failure applies). */
#ifndef STELE_ONBOOT_HOOKS_H
#define STELE_ONBOOT_HOOKS_H

#include "hostlib/settings.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#ifndef HOOKS_CGROUP_ROOT
#define HOOKS_CGROUP_ROOT "/sys/fs/cgroup"
#endif

int hooks_before_create(const struct runtime_hooks *h, const char *bundle, char *err, size_t len);
int hooks_after_create(const struct runtime_hooks *h, pid_t pid, char *err, size_t len);
/* Is there an after-create hook? Without one, the runner needs no gap
 * between create and start, and runs the container with one `runc run`. */
bool hooks_after_create_any(const struct runtime_hooks *h);

/* mkdir -p, mode 0755 for what it creates. */
int mkdir_parents(const char *path);

#endif
