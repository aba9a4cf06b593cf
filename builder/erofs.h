/* erofs: the package rootfses (/containers) as one compressed read-only
 * image, for `containers: {layout: erofs}` (schema_containers).
 *
 * Contract: erofs_split() takes TREE/containers out of the tree: it
 * applies the overrides under containers/ (owners, modes, device nodes)
 * to it inside fakeroot, links identical files (util-linux's hardlink:
 * same bytes, mode and owner), writes it with mkfs.erofs (lz4hc, no
 * xattrs, every time `epoch`, a UUID derived from `name`) and wraps the
 * image as /containers.erofs (0400) in an uncompressed cpio, SEGMENT,
 * which goes before the compressed initramfs: the kernel copies that file
 * instead of decompressing the rootfses. TREE/containers is left an empty
 * folder and CPIO_OVERRIDES gets the overrides without the lines under
 * containers/, for the main cpio. erofs_join() puts the folder back (for
 * --keep-tree). Each returns 0, or -1 after one line naming what failed.
 * Stage 1 mounts the image (boot/containers.h). */
#ifndef STELE_BUILDER_EROFS_H
#define STELE_BUILDER_EROFS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#define EROFS_IMAGE "containers.erofs" /* in the initramfs's root */

/* The YAML's containers.layout is erofs. */
bool erofs_layout(const json_t *root);

struct erofs_job {
	const char *tree, *work, *name;
	const char *overrides;	    /* all of the tree's */
	const char *cpio_overrides; /* written: those outside containers/ */
	const char *segment;	    /* written: the uncompressed cpio */
	int64_t epoch;
};

int erofs_split(const struct erofs_job *job);
int erofs_join(const struct erofs_job *job);

#endif
