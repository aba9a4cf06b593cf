/* uki_check: what an update file claims to be, read from untrusted bytes.
 *
 * Contract: uki_check_fd() reads the PE headers and the .osrel section of
 * the file open on fd (lseek and read only, every offset and size checked against
 * the file's size, at most UKI_OSREL_MAX bytes of .osrel) in a forked
 * child confined by metadata's sandbox (no file system, no network, a
 * seccomp allowlist, a time bound); the child hands back a fixed-size
 * struct through a pipe. Returns 0 when the file is a UKI (a PE with
 * .linux, .cmdline and .osrel sections) whose .osrel says ID=stele and
 * names VERSION_ID; else -1 with why[] one phrase ("no .osrel section"). */
#ifndef STELE_UPDATE_UKI_CHECK_H
#define STELE_UPDATE_UKI_CHECK_H

#include <stddef.h>

#define UKI_OSREL_MAX 4096

struct uki_info {
	char version[64]; /* VERSION_ID */
	char build[40];	  /* STELE_BUILD: a digest of kernel and initramfs */
	char name[64];	  /* IMAGE_ID: the image's name */
	char why[96];	  /* when refused */
};

int uki_check_fd(int fd, struct uki_info *info);

/* The parse itself, unconfined: for the sandboxed child and unit tests. */
int uki_parse_fd(int fd, struct uki_info *info);

#endif
