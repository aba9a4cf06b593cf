#include "metadata/netconf.h"

#include "metadata/buf.h"
#include "lib/log.h"
#include "metadata/validate.h"

#include <errno.h>
#include <net/if.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <stdio.h>
#include <string.h>

struct static_net {
	char interface[IF_NAMESIZE];
	char address[64];
	char gateway[64];
};

/* key=value lines; a bad line is reported and skipped. */
static int parse_static(const char *text, struct static_net *net)
{
	int bad = 0;
	for (const char *line = text; *line;) {
		size_t n = strcspn(line, "\n");
		char copy[128];
		snprintf(copy, sizeof copy, "%.*s", (int)(n < 127 ? n : 127), line);
		line += n + (line[n] == '\n');
		char *eq = strchr(copy, '=');
		if (!eq)
			continue;
		*eq = '\0';
		const char *value = eq + 1;
		const char *why = NULL;
		if (strcmp(copy, "interface") == 0 && !(why = check_name(value)) &&
		    strlen(value) < IF_NAMESIZE)
			snprintf(net->interface, sizeof net->interface, "%s", value);
		else if (strcmp(copy, "address") == 0 && !(why = check_address(value, true)))
			snprintf(net->address, sizeof net->address, "%s", value);
		else if (strcmp(copy, "gateway") == 0 && !(why = check_address(value, false)))
			snprintf(net->gateway, sizeof net->gateway, "%s", value);
		else {
			log_err("network/static: %s=%s ignored: %s", copy, value,
				why ? why : "bad");
			bad++;
		}
	}
	return bad;
}

static int link_up(struct nl_sock *sock, int ifindex, const char *ifname)
{
	struct rtnl_link *change = rtnl_link_alloc();
	struct rtnl_link *old = rtnl_link_alloc();
	if (!change || !old) {
		rtnl_link_put(change);
		rtnl_link_put(old);
		return -NLE_NOMEM;
	}
	rtnl_link_set_ifindex(old, ifindex);
	rtnl_link_set_name(old, ifname);
	rtnl_link_set_flags(change, IFF_UP);
	int r = rtnl_link_change(sock, old, change, 0);
	rtnl_link_put(change);
	rtnl_link_put(old);
	return r;
}

static int add_address(struct nl_sock *sock, int ifindex, const char *cidr)
{
	struct nl_addr *local = NULL;
	int r = nl_addr_parse(cidr, AF_UNSPEC, &local);
	if (r < 0)
		return r;
	struct rtnl_addr *addr = rtnl_addr_alloc();
	if (!addr) {
		nl_addr_put(local);
		return -NLE_NOMEM;
	}
	rtnl_addr_set_ifindex(addr, ifindex);
	rtnl_addr_set_local(addr, local);
	r = rtnl_addr_add(sock, addr, NLM_F_REPLACE);
	rtnl_addr_put(addr);
	nl_addr_put(local);
	return r == -NLE_EXIST ? 0 : r;
}

static int default_route(struct nl_sock *sock, int ifindex, const char *gateway)
{
	struct nl_addr *gw = NULL, *dst = NULL;
	int r = nl_addr_parse(gateway, AF_UNSPEC, &gw);
	if (r < 0)
		return r;
	int family = nl_addr_get_family(gw);
	r = nl_addr_parse(family == AF_INET6 ? "::/0" : "0.0.0.0/0", family, &dst);
	struct rtnl_route *route = r < 0 ? NULL : rtnl_route_alloc();
	struct rtnl_nexthop *hop = route ? rtnl_route_nh_alloc() : NULL;
	if (!hop) {
		rtnl_route_put(route);
		nl_addr_put(dst);
		nl_addr_put(gw);
		return r < 0 ? r : -NLE_NOMEM;
	}
	rtnl_route_set_family(route, (uint8_t)family);
	rtnl_route_set_dst(route, dst);
	rtnl_route_nh_set_gateway(hop, gw);
	rtnl_route_nh_set_ifindex(hop, ifindex);
	rtnl_route_add_nexthop(route, hop); /* the route owns hop now */
	r = rtnl_route_add(sock, route, NLM_F_CREATE | NLM_F_REPLACE);
	rtnl_route_put(route);
	nl_addr_put(dst);
	nl_addr_put(gw);
	return r;
}

static int apply(const struct static_net *net)
{
	int ifindex = (int)if_nametoindex(net->interface);
	if (ifindex == 0) {
		log_err("network/static: no interface %s (is its driver loaded?); not configured",
			net->interface);
		return 1;
	}
	struct nl_sock *sock = nl_socket_alloc();
	if (!sock || nl_connect(sock, NETLINK_ROUTE) < 0) {
		log_err("network/static: cannot open a netlink socket; %s not configured",
			net->interface);
		nl_socket_free(sock);
		return 1;
	}
	int failures = 0, r;
	if ((r = link_up(sock, ifindex, net->interface)) < 0) {
		log_err("network/static: %s up: %s", net->interface, nl_geterror(r));
		failures++;
	}
	if (net->address[0] && (r = add_address(sock, ifindex, net->address)) < 0) {
		log_err("network/static: %s address %s: %s", net->interface, net->address,
			nl_geterror(r));
		failures++;
	}
	if (net->gateway[0] && (r = default_route(sock, ifindex, net->gateway)) < 0) {
		log_err("network/static: %s default route via %s: %s", net->interface, net->gateway,
			nl_geterror(r));
		failures++;
	}
	nl_socket_free(sock);
	if (!failures)
		log_info("network/static: %s up%s%s%s%s", net->interface,
			 net->address[0] ? ", address " : "", net->address,
			 net->gateway[0] ? ", gateway " : "", net->gateway);
	return failures;
}

int netconf_apply(int rootfd)
{
	struct buf text = BUF_INIT;
	if (read_beneath_capped(rootfd, "network/static", 4096, &text) < 0) {
		int err = errno;
		buf_free(&text);
		if (err == ENOENT)
			return 0;
		log_err("network/static: not read: %s; network not configured", strerror(err));
		return 1;
	}
	struct static_net net = {.interface = ""};
	int failures = parse_static(text.data ? text.data : "", &net);
	buf_free(&text);
	if (!net.interface[0]) {
		if (net.address[0] || net.gateway[0])
			log_err(
			    "network/static: address or gateway without interface=; not applied");
		return failures + (net.address[0] || net.gateway[0]);
	}
	return failures + apply(&net);
}
