/* resolver: the host's resolver file, ready before any container.
 *
 * Contract: resolver_prepare(dir, userdata) makes DIR (0755; a symlink
 * there is refused) and DIR/resolv.conf (0644, written in place, never
 * followed if it is a symlink). The file gets the contents of USERDATA
 * (stele-metadata's network/resolv.conf: the nameserver lines of userdata
 * stele.network.dns) when that exists, else it is left empty; it exists
 * either way, so containers can bind it. Returns 0, or -1 after one log
 * line naming the path. resolver_phase() does it for RESOLVER_DIR
 * (lib/resolver.h) and /run/config/network/resolv.conf. */
#ifndef STELE_INIT_RESOLVER_H
#define STELE_INIT_RESOLVER_H

#include "boot/settings.h"

#define RESOLVER_USERDATA "/run/config/network/resolv.conf"

int resolver_prepare(const char *dir, const char *userdata);
int resolver_phase(struct settings *settings);

#endif
