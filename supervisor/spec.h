/* spec: the changes the supervisor makes to a service's OCI spec in memory
 * before handing it to containerd; the bundle on disk is never written.
 *
 * Contract: spec_adjust() parses spec_json and returns a malloc'd, NUL-
 * terminated JSON text with:
 *  - process.terminal false (stdio are FIFOs, there is no console);
 *  - linux.cgroupsPath "/NS/NAME" when the spec sets none, so services of
 *    different namespaces never share a cgroup;
 *  - when notify_dir is given, that host directory bind-mounted at
 *    SPEC_NOTIFY_DIR (under /dev, the container's own tmpfs, because the
 *    image's rootfs is read-only and may lack /run) and NOTIFY_SOCKET set;
 *  - the annotation SPEC_SHIM_GROUP_KEY = "SPEC_SHIM_GROUP-K" when the
 *    spec names no group, K = shim_group (spec_shim_group());
 *  - linux.resources.pids.limit = pids (stele.json's `pids`, 4096 by
 *    default) when the spec sets none: a fork bomb is held by its cgroup;
 *  - process.oomScoreAdj SPEC_OOM_SCORE_ADJ when the spec sets none: a
 *    service is the OOM killer's choice before containerd (-999, its
 *    config: containerd/config.c) and its shims (-998), the supervisor
 *    (-900) and PID 1 (-1000), which bring it back. Without it a
 *    container inherits its shim's -998 and outranks them all.
 * On bad input it returns NULL and writes one line to err. */
#ifndef STELE_SPEC_H
#define STELE_SPEC_H

#include <stdbool.h>
#include <stddef.h>

/* A service's OOM score adjustment unless its spec sets one: the OOM
 * killer's first pick, before containerd (-999), its shims (-998), the
 * supervisor (-900) and PID 1 (-1000). */
#define SPEC_OOM_SCORE_ADJ 0

#define SPEC_NOTIFY_DIR	   "/dev/.stele-notify"
#define SPEC_NOTIFY_SOCKET SPEC_NOTIFY_DIR "/notify.sock"
/* containerd-shim-runc-v2 starts one daemon per value of this annotation
 * (containerd's runtime/v2/runc/manager: groupLabels). */
#define SPEC_SHIM_GROUP_KEY "io.containerd.runc.v2.group"
#define SPEC_SHIM_GROUP	    "stele-services"

/* A shim daemon runs its tasks' creates one at a time (containerd 1.6's
 * runc v2 shim holds its service lock across Create, and Start waits for
 * that lock): the tasks of a group are created in a row. So the default
 * groups hold at most this many services each, */
#define SPEC_SHIM_GROUP_TASKS 2
/* up to this many groups (a shim daemon is ~7 MiB of guest memory and a
 * few hundred ms of CPU to start under emulation); past it, the groups
 * grow instead. At most 64 (the supervisor's group masks). */
#define SPEC_SHIM_GROUPS_MAX 16
/* A group's name as the supervisor keeps it (with its NUL); a longer one
 * is cut, so two long names alike this far only wait for each other's
 * first task (supervise.c), never share a shim by it. */
#define SPEC_SHIM_GROUP_NAME_MAX 128

/* K of the default group "SPEC_SHIM_GROUP-K" of the index-th of n
 * services (in name order): round robin over ceil(n /
 * SPEC_SHIM_GROUP_TASKS) groups, at most SPEC_SHIM_GROUPS_MAX. The same
 * services give the same groups at every boot and supervisor start. */
unsigned spec_shim_group(size_t index, size_t n);

char *spec_adjust(const char *spec_json, size_t len, const char *ns, const char *name,
		  const char *notify_dir, unsigned pids, unsigned shim_group, char *err,
		  size_t errlen);

/* The SPEC_SHIM_GROUP_KEY annotation of a spec (spec_adjust's output sets
 * it) into buf, cut to size - 1 bytes; "" when there is none. */
void spec_shim_group_name(const char *spec_json, size_t len, char *buf, size_t size);

/* True when a bind mount of the spec takes its source from under dir (the
 * state volume's mountpoint). */
bool spec_binds_under(const char *spec_json, size_t len, const char *dir);

#endif
