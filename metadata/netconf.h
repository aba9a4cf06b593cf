/* netconf: apply the static network settings userdata asked for.
 *
 * Contract: netconf_apply() reads network/static under rootfd (written by
 * the sandboxed writer; read again without following symlinks and every
 * value checked again), and through rtnetlink (libnl-route) sets the
 * interface up, adds address= (CIDR) and replaces the default route via
 * gateway=. An absent file is nothing to do. Each failure is one log line
 * naming the interface and the setting; the others are still applied.
 * Returns the number of failures. resolv.conf is not applied here: init's
 * resolver phase copies network/resolv.conf to the host's resolver, and
 * the dhcpcd package keeps it there. */
#ifndef STELE_METADATA_NETCONF_H
#define STELE_METADATA_NETCONF_H

int netconf_apply(int rootfd);

#endif
