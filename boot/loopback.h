/* loopback: bring up lo, through netlink (libnl-route), no `ip` binary.
 *
 * Contract: loopback_phase() adds 127.0.0.1/8 and ::1/128 to lo (an
 * address already there is fine; IPv6 disabled in the kernel is fine) and
 * sets it up. Errors are reported with libnl's message. */
#ifndef STELE_INIT_LOOPBACK_H
#define STELE_INIT_LOOPBACK_H

#include "boot/settings.h"

int loopback_phase(struct settings *settings);

#endif
