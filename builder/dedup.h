/* dedup: which regular files of a staged tree can share one inode in the
 * initramfs.
 *
 * Contract: two files share an inode when they have the same size (above
 * zero), the same bytes (SHA-256), the same mode and the same owner, which
 * are what the kernel's unpacker gives every name of an inode. Package
 * rootfses repeat libc, gconv and busybox; the cpio then carries each once,
 * and the kernel unpacks it once, as hard links (the newc format's). Whether
 * files were hard links in the tree does not matter. dedup_find() fills, for
 * each of the n files, leader[i]: the lowest index of a file with the same
 * content (i itself when none comes before), and members[i]: how many files
 * share i's content (1 for a file alone). Same input, same answer: indexes
 * follow the caller's order, so a sorted walk gives a reproducible archive.
 * Returns 0, or -1 after printing one line naming the file that could not
 * be read. */
#ifndef STELE_BUILDER_DEDUP_H
#define STELE_BUILDER_DEDUP_H

#include <stddef.h>
#include <stdint.h>

struct dedup_file {
	const char *rel; /* path below the tree */
	int64_t size;
	unsigned mode, uid, gid; /* as the archive will carry them */
};

int dedup_find(const char *tree, const struct dedup_file *files, size_t n, size_t *leader,
	       size_t *members);

#endif
