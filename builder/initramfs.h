/* initramfs: write a staged tree as a deterministic cpio newc archive.
 *
 * Contract: entries (tree and overrides together) are sorted by path; every
 * mtime is `epoch`; owners are 0:0 unless an override says otherwise, so no
 * root is needed to build. With `dedup`, regular files with the same bytes,
 * mode and owner become hard links of one inode (dedup.h): the archive
 * carries their data once, with the first name, and the kernel unpacks it
 * once; entries stay in path order. Without it, hard links in the tree stay
 * hard links (the data with the last name) and nothing else is linked.
 *
 * Extra entries (device nodes, owners, modes) come from overrides, the way
 * gen_init_cpio takes them, one a line:
 *   nod PATH MODE UID GID c|b MAJOR MINOR
 *   dir PATH MODE UID GID
 *   own PATH UID GID [MODE]   (owner, and mode, of an entry in the tree)
 *
 * The archive is written to a temporary file beside `out` and renamed, so a
 * failure never leaves half an image. Returns 0, or -1 after printing one
 * line that names what failed. */
#ifndef STELE_INITRAMFS_H
#define STELE_INITRAMFS_H

#include <stdbool.h>
#include <stdint.h>

enum initramfs_compression { COMPRESS_NONE, COMPRESS_GZIP, COMPRESS_ZSTD, COMPRESS_LZ4 };

/* "none", "gzip", "zstd", "lz4"; returns -1 for anything else. */
int initramfs_compression_parse(const char *name);

struct initramfs_opts {
	enum initramfs_compression compression;
	int64_t epoch;
	bool dedup;
	/* print "initramfs: N% (X/Y MB)" lines on stderr as the data goes in
	 * (compression runs as it is written) */
	bool progress;
};

int initramfs_write(const char *tree, const char *overrides_path, const char *out,
		    const struct initramfs_opts *opts);

#endif
