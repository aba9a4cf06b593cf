/* prepare: the host side of a service, done before its container is
 * created: bind sources on the state volume, then stele.json's runtime
 * hooks that need no task (mkdir, mounts: hostlib/hooks.h, shared).
 *
 * Contract: prepare_service(dir, spec, state_mountpoint, ...) forks a
 * child, which (1) for every bind mount of spec (the adjusted config.json
 * text) whose source is under state_mountpoint, creates that source at
 * the container's process.user uid:gid, mode 0755 (hostlib/bind_sources.h,
 * as stele-onboot does), then (2) parses DIR/stele.json with onboot's
 * settings parser and runs hooks_before_create(). Binds come first, so a
 * runtime.mkdir of the same directory does not make it root's. Untrusted JSON is parsed in the
 * child only; the parent waits at most PREPARE_TIMEOUT_MS, then kills it
 * and waits at most PREPARE_KILL_WAIT_MS more: a helper not reaped by then
 * (stuck in the kernel, or held by a tracer) is left to the caller's
 * SIGCHLD reaping, and the start fails.
 * Returns 0, or -1 with one line in err naming the file or hook and the
 * cause. runtime.interfaces and runtime.bindNS are rejected earlier, by
 * svcconf (they need a task's pid: onboot only). */
#ifndef STELE_PREPARE_H
#define STELE_PREPARE_H

#include <stddef.h>

#define PREPARE_TIMEOUT_MS   10000
#define PREPARE_KILL_WAIT_MS 1000

int prepare_service(const char *dir, const char *spec, const char *state_mountpoint, char *err,
		    size_t errlen);

#endif
