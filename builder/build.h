/* build: `stele build`, a YAML file to a bootable image.
 *
 * Contract: stages the tree in a temporary folder inside the output
 * folder, writes the outputs there, and renames them into place only when
 * all of them are complete: DIR/NAME-kernel, DIR/NAME-initrd.img and
 * DIR/NAME-cmdline (kernel+initrd), or DIR/NAME.iso. The same YAML and
 * inputs give the same bytes (SOURCE_DATE_EPOCH, default 0, is every
 * mtime). Returns 0, or 1 after printing what was wrong. */
#ifndef STELE_CONFIG_BUILD_H
#define STELE_CONFIG_BUILD_H

#include "builder/initramfs.h"

#include <stdbool.h>
#include <stdint.h>

enum build_format { FORMAT_KERNEL_INITRD, FORMAT_ISO };

struct build_opts {
	const char *yml;
	const char *out_dir;
	enum build_format format;
	enum initramfs_compression compression;
	const char *pkg_dir;
	const char *bin_dir;
	const char *kernel_dir; /* default kernel: KERNEL_DIR/vmlinuz + root/lib/modules */
	int64_t epoch;
	bool keep_tree; /* leave the staged tree in DIR/NAME-tree for inspection */
	bool no_dedup;	/* identical files stay separate copies in the initramfs */
};

int build_image(const struct build_opts *o);

#endif
