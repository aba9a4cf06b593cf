/* seccomp: the default seccomp profile of every container, as OCI JSON.
 *
 * Contract: the allowlist is Docker's default profile (moby
 * profiles/seccomp/default.json) less io_uring: everything else fails with
 * EPERM, clone3 with ENOSYS so that libc falls back to clone, and clone
 * with a namespace flag with EPERM unless the container has CAP_SYS_ADMIN
 * (or its seccomp allow list names unshare). Syscalls Docker allows only
 * with a capability are allowed when that capability is in `caps` (names
 * like "CAP_SYS_ADMIN"). `custom` is the YAML's seccomp mapping or NULL:
 * its allow names are added and its deny names removed. Names the host's
 * libseccomp does not know are left out (runc would ignore them anyway).
 * The filter covers the native x86_64 ABI; a syscall through another is
 * killed unless `custom`'s architectures list it (x86, x32), in which case
 * the same allowlist applies to it.
 * Returns a new reference. */
#ifndef STELE_CONFIG_SECCOMP_H
#define STELE_CONFIG_SECCOMP_H

#include <jansson.h>

json_t *seccomp_default_profile(const json_t *caps, const json_t *custom);

#endif
