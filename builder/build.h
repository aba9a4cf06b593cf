/* build: `stele build`, a YAML file to a bootable image.
 *
 * Contract: checks the options against the formats (formats_check)
 * before any work, stages the tree in a temporary folder inside the
 * output folder, writes the outputs there, and renames them into place
 * only when all of them are complete: DIR/NAME + the suffixes of every
 * requested format (formats.h). The same YAML and inputs give the same
 * bytes (SOURCE_DATE_EPOCH, default 0, is every mtime). Returns 0, or 1
 * after printing what was wrong. */
#ifndef STELE_CONFIG_BUILD_H
#define STELE_CONFIG_BUILD_H

#include "builder/initramfs.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct build_opts {
	const char *yml;
	const char *const *ymls; /* several files, merged in order (yml unused) */
	size_t n_yml;
	const char *out_dir;
	unsigned formats; /* FORMAT_BIT()s, formats.h */
	enum initramfs_compression compression;
	const char *pkg_dir;
	const char *bin_dir;
	const char *kernel_dir; /* default kernel: KERNEL_DIR/vmlinuz + root/lib/modules */
	int64_t epoch;
	bool keep_tree; /* leave the staged tree in DIR/NAME-tree for inspection */
	uint64_t size;	/* --size of the disk formats, bytes; 0: their content */
	const char *size_text;
	const char *sign_key; /* both or neither: sign the UKI */
	const char *sign_cert;
	bool no_dedup; /* identical files stay separate copies in the initramfs */
};

int build_image(const struct build_opts *o);

#endif
