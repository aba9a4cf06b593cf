/* netif: the `interfaces` hook, through libnl-route-3.
 *
 *   {"name": "eth1"}                         move host interface eth1 into
 *                                            the container's network ns
 *   {"name": "eth1", "add": "veth", "peer": "veth1", "createInRoot": true}
 *                                            create the pair on the host:
 *                                            eth1 goes into the container,
 *                                            veth1 stays on the host
 *   ... "createInRoot": false                create both ends inside the
 *                                            container's namespace
 *   {"name": "wg0", "add": "wireguard"}      any other link type: created in
 *                                            the container's namespace, or
 *                                            on the host and moved there with
 *                                            "createInRoot": true
 *   {"name": "a", "peer": "b"}               a peer alone means veth
 * Contract: returns 0, or -1 with one line in err. */
#ifndef STELE_ONBOOT_NETIF_H
#define STELE_ONBOOT_NETIF_H

#include "hostlib/settings.h"

#include <stddef.h>
#include <sys/types.h>

int netif_apply(const struct hook_iface *iface, pid_t pid, char *err, size_t len);

#endif
