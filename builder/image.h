/* image: resolve a YAML image reference and unpack it into a bundle.
 *
 * References: "oci:PATH[:TAG]" (an OCI image layout; TAG matches the
 * org.opencontainers.image.ref.name annotation, default the only manifest
 * or "latest"), "dir:PATH" (a root filesystem folder), or NAME[:TAG], a
 * package stele ships: the OCI layout PKG_DIR/NAME.
 *
 * Contract: image_unpack() fills TREE/ROOTFS_REL from the image with
 * libarchive (every blob checked against its sha256 digest; gzip, zstd or plain layers; whiteouts
 * and opaque directories applied to the layers below; hard links kept). It never needs root:
 * owners, modes it must widen and device nodes go to `meta` (paths relative to TREE). *config gets
 * the image config's "config" object (an empty object for dir:). Errors print one line naming the
 * image and return -1. */
#ifndef STELE_CONFIG_IMAGE_H
#define STELE_CONFIG_IMAGE_H

#include "builder/meta.h"

#include <jansson.h>

int image_unpack(const char *ref, const char *pkg_dir, const char *tree, const char *rootfs_rel,
		 struct meta *meta, json_t **config);

/* Whether the reference names something that exists (for schema errors). */
int image_check(const char *ref, const char *pkg_dir, char *why, size_t len);

#endif
