/* resolver: where the host's DNS resolver configuration lives.
 *
 * Contract: every image's /etc/resolv.conf is a symlink to RESOLVER_FILE
 * (the builder makes it), so the read-only root never needs a write. Stage
 * 1 creates RESOLVER_DIR and RESOLVER_FILE at boot, before any container
 * starts, so the LinuxKit bind "/etc/resolv.conf:/etc/resolv.conf" always
 * has a source (the kernel follows the symlink when runc mounts it).
 * Writers after that (the dhcpcd package) rewrite the file in place,
 * never by rename: containers hold the bound inode. */
#ifndef STELE_LIB_RESOLVER_H
#define STELE_LIB_RESOLVER_H

#define RESOLVER_DIR  "/run/resolvconf"
#define RESOLVER_FILE RESOLVER_DIR "/resolv.conf"

#endif
