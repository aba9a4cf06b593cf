/* mounts: the filesystems every stele host has, with hardened flags.
 *
 * Contract:
 * - mounts_phase() mounts /proc, /sys, /dev (devtmpfs), /dev/pts,
 *   /dev/shm, /dev/mqueue, /run, /tmp and cgroup2 on /sys/fs/cgroup (with
 *   every available controller enabled for children); then, where the
 *   kernel has them, securityfs, debugfs, bpf, pstore, configfs, fusectl,
 *   efivarfs and binfmt_misc, silently skipped when it does not. Targets
 *   that already are mount points are left as they are. Then "/" becomes
 *   shared (recursive), so container runtimes can propagate mounts. A
 *   required mount that fails is reported and counted; the rest goes on.
 * - var_phase() mounts a tmpfs of `var_size` (default 25% of RAM) on
 *   /var, with /var/tmp (1777) as LinuxKit has it; the state volume later
 *   mounts on /var/lib inside it.
 * - readonly_phase() remounts "/" read-only (the mount, not the
 *   superblock: safe in a test's mount namespace). Key `readonly=0`
 *   leaves it writable, for debugging an image.
 * Options are libmount option strings, split into flags and data by
 * libmount. */
#ifndef STELE_INIT_MOUNTS_H
#define STELE_INIT_MOUNTS_H

#include "boot/settings.h"

int mounts_phase(struct settings *settings);
int var_phase(struct settings *settings);
int readonly_phase(struct settings *settings);

/* mount(2) with a libmount option string ("nosuid,nodev,mode=0755").
 * 0, or -1 with errno set. */
int mount_with_options(const char *source, const char *target, const char *type,
		       const char *options);

#endif
