/* hostname: name the host.
 *
 * Contract: hostname_phase() takes the first line of
 * /run/config/hostname (userdata), else of /etc/hostname, else makes
 * "stele-<MAC>" from the first Ethernet interface by name (MAC without
 * colons), else "stele". A name that is not a valid hostname (1-64
 * letters, digits, '-' and '.', not starting with '-' or '.') is reported
 * with its file and the next source is used. */
#ifndef STELE_INIT_HOSTNAME_H
#define STELE_INIT_HOSTNAME_H

#include "boot/settings.h"

#include <stdbool.h>
#include <stddef.h>

#define HOSTNAME_USERDATA "/run/config/hostname"
#define HOSTNAME_IMAGE	  "/etc/hostname"

bool hostname_is_valid(const char *name);
/* "stele-525400123456" from the first Ethernet interface under net_dir
 * (/sys/class/net); "stele" when there is none. */
void hostname_from_mac(const char *net_dir, char *name, size_t len);

int hostname_phase(struct settings *settings);

#endif
