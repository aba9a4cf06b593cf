#include "boot/loopback.h"

#include "lib/log.h"

#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <sys/socket.h>

static int add_address(struct nl_sock *sk, int ifindex, const char *cidr, int family)
{
	struct nl_addr *local = NULL;
	struct rtnl_addr *addr = rtnl_addr_alloc();
	int rc = addr ? nl_addr_parse(cidr, family, &local) : -NLE_NOMEM;
	if (rc == 0) {
		rtnl_addr_set_ifindex(addr, ifindex);
		rc = rtnl_addr_set_local(addr, local);
	}
	if (rc == 0)
		rc = rtnl_addr_add(sk, addr, 0);
	nl_addr_put(local);
	rtnl_addr_put(addr);
	if (rc == -NLE_EXIST)
		return 0;
	if (family == AF_INET6 && (rc == -NLE_AF_NOSUPPORT || rc == -NLE_OPNOTSUPP)) {
		log_debug("lo: no IPv6 in this kernel");
		return 0;
	}
	if (rc < 0) {
		log_err("lo: add %s: %s", cidr, nl_geterror(rc));
		return -1;
	}
	return 0;
}

static int set_up(struct nl_sock *sk, struct rtnl_link *lo)
{
	struct rtnl_link *change = rtnl_link_alloc();
	if (!change) {
		log_err("lo: up: out of memory");
		return -1;
	}
	rtnl_link_set_flags(change, IFF_UP);
	int rc = rtnl_link_change(sk, lo, change, 0);
	rtnl_link_put(change);
	if (rc < 0) {
		log_err("lo: up: %s", nl_geterror(rc));
		return -1;
	}
	return 0;
}

int loopback_phase(struct settings *settings)
{
	(void)settings;
	struct nl_sock *sk = nl_socket_alloc();
	if (!sk) {
		log_err("lo: netlink socket: out of memory");
		return -1;
	}
	int rc = nl_connect(sk, NETLINK_ROUTE);
	struct rtnl_link *lo = NULL;
	if (rc == 0)
		rc = rtnl_link_get_kernel(sk, 0, "lo", &lo);
	if (rc < 0) {
		log_err("lo: %s", nl_geterror(rc));
		nl_socket_free(sk);
		return -1;
	}
	int ifindex = rtnl_link_get_ifindex(lo);
	int failures = 0;
	failures += add_address(sk, ifindex, "127.0.0.1/8", AF_INET) < 0;
	failures += add_address(sk, ifindex, "::1/128", AF_INET6) < 0;
	failures += set_up(sk, lo) < 0;
	rtnl_link_put(lo);
	nl_socket_free(sk);
	return failures;
}
