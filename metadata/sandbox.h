/* sandbox: run the code that interprets untrusted input in a child that
 * can do little harm.
 *
 * The child is forked (no exec: it runs fn), then confined in this order:
 * rlimits (address space, file size, open files, CPU, no core), chroot into
 * the output directory when allowed (so no path outside it exists), no new
 * privileges, an empty capability set and bounding set (libcap), and a
 * libseccomp allowlist whose default action kills the process. The parent
 * waits at most timeout_ms, then kills it.
 *
 * Contract: sandbox_run() returns fn's exit code (0-255), or -1 after
 * logging ONE line when the child could not start, crashed (a signal,
 * SIGSYS for a call outside the allowlist) or timed out. The parent never
 * blocks beyond timeout_ms + 1 s. */
#ifndef STELE_METADATA_SANDBOX_H
#define STELE_METADATA_SANDBOX_H

enum sandbox_profile {
	SANDBOX_WRITER,	 /* parse and write files under a directory fd */
	SANDBOX_NETWORK, /* the same plus TCP client sockets */
};

/* chroot_fd: a directory to confine the child in when it has
 * CAP_SYS_CHROOT (-1: none). */
int sandbox_run(const char *what, enum sandbox_profile profile, int chroot_fd, int (*fn)(void *),
		void *arg, int timeout_ms);

/* The confinement alone, for the child (exposed for tests). Returns 0 or -1. */
int sandbox_enter(enum sandbox_profile profile, int chroot_fd);

#endif
