/* bundle: the YAML's onboot, services and onshutdown entries become
 * bundles in the tree: /containers/onboot/NNN-NAME/ (NNN: the position,
 * from 000), /containers/services/NAME/, /containers/onshutdown/NNN-NAME/,
 * each with rootfs/ (the unpacked image), config.json and stele.json.
 *
 * Contract: returns 0, or -1 after one line naming the container. */
#ifndef STELE_CONFIG_BUNDLE_H
#define STELE_CONFIG_BUNDLE_H

#include "builder/stage.h"

int bundles_stage(struct stage *st, const char *pkg_dir);

/* Check that every image reference resolves; one line per bad one
 * (FILE:LINE: image: ...). Returns the number of bad ones. */
int bundles_check_images(const struct config *cfg, const char *pkg_dir);

#endif
