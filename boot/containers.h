/* containers: the `containers` phase, after `modules`: with the erofs
 * layout (init.conf containers_layout=erofs, schema_containers), mount
 * the image the builder put in the initramfs, /containers.erofs, read-only
 * on /containers through a loop device, before the supervisor starts.
 *
 * Contract: libmount sets up the loop device (`loop` option, autoclear)
 * and mounts, in a child bounded to CONTAINERS_MOUNT_TIMEOUT_MS
 * (lib/bounded_call.h). Nothing to do with the cpio layout (the default)
 * or when /containers is a mount already. A failure is one line naming
 * the image and the fix; returns non-zero then, and boot goes on (the
 * services cannot start: their rootfses are missing). */
#ifndef STELE_INIT_CONTAINERS_H
#define STELE_INIT_CONTAINERS_H

#include "boot/settings.h"

#define CONTAINERS_IMAGE	    "/containers.erofs"
#define CONTAINERS_DIR		    "/containers"
#define CONTAINERS_MOUNT_TIMEOUT_MS 30000

int containers_phase(struct settings *settings);

#endif
