#include "hostlib/netif.h"

#include "lib/error.h"

#include "lib/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static struct nl_sock *route_socket(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	if (!sk)
		return NULL;
	if (nl_connect(sk, NETLINK_ROUTE) < 0) {
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

static int move_link(struct nl_sock *sk, const char *name, int nsfd, char *err, size_t len)
{
	struct rtnl_link *link = NULL;
	int rc = rtnl_link_get_kernel(sk, 0, name, &link);
	if (rc < 0)
		return set_error(err, len,
				 "runtime.interfaces %s: no such interface on the host (%s)", name,
				 nl_geterror(rc));
	struct rtnl_link *change = rtnl_link_alloc();
	if (!change) {
		rtnl_link_put(link);
		return set_error(err, len, "runtime.interfaces %s: out of memory", name);
	}
	rtnl_link_set_ns_fd(change, nsfd);
	rc = rtnl_link_change(sk, link, change, 0);
	rtnl_link_put(change);
	rtnl_link_put(link);
	if (rc < 0)
		return set_error(err, len,
				 "runtime.interfaces %s: moving it into the container: %s", name,
				 nl_geterror(rc));
	return 0;
}

/* A veth with both ends in the container: create it from a child that
 * joined the container's network namespace, so this process stays put.
 * The child's exit code carries libnl's error number (255: setns). */
#define SETNS_FAILED 255

static int veth_inside(const struct hook_iface *iface, int nsfd, char *err, size_t len)
{
	pid_t child = fork();
	if (child < 0)
		return set_error(err, len, "runtime.interfaces %s: fork: %s", iface->name,
				 strerror(errno));
	if (child == 0) {
		if (setns(nsfd, CLONE_NEWNET) < 0)
			_exit(SETNS_FAILED);
		struct nl_sock *sk = route_socket();
		if (!sk)
			_exit(NLE_FAILURE);
		/* libnl always sends the peer's namespace: name ours, which is now
		 * the container's. */
		int rc = rtnl_link_veth_add(sk, iface->name, iface->peer, getpid());
		_exit(rc < 0 ? -rc : 0);
	}
	int status = 0;
	if (wait_pid_timeout(child, 10000, &status) != 0) {
		kill(child, SIGKILL);
		wait_pid_timeout(child, -1, &status);
		return set_error(err, len, "runtime.interfaces %s: netlink did not answer",
				 iface->name);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : NLE_FAILURE;
	return set_error(
	    err, len, "runtime.interfaces %s: creating veth %s/%s in the container: %s",
	    iface->name, iface->name, iface->peer,
	    code == SETNS_FAILED ? "cannot join its network namespace" : nl_geterror(-code));
}

/* Any other link type (wireguard, dummy, ...), as LinuxKit's generic
 * link: created in the container's namespace directly, or in the host's
 * and moved there with createInRoot (a wireguard interface keeps its
 * socket in the namespace it was created in). */
static int generic_add(struct nl_sock *sk, const struct hook_iface *iface, pid_t pid, int nsfd,
		       char *err, size_t len)
{
	struct rtnl_link *link = rtnl_link_alloc();
	if (!link)
		return set_error(err, len, "runtime.interfaces %s: out of memory", iface->name);
	rtnl_link_set_name(link, iface->name);
	int rc = rtnl_link_set_type(link, iface->add);
	if (rc == 0 && !iface->create_in_root)
		rtnl_link_set_ns_pid(link, pid);
	if (rc == 0)
		rc = rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(link);
	if (rc < 0)
		return set_error(err, len, "runtime.interfaces %s: creating a %s link: %s",
				 iface->name, iface->add, nl_geterror(rc));
	return iface->create_in_root ? move_link(sk, iface->name, nsfd, err, len) : 0;
}

int netif_apply(const struct hook_iface *iface, pid_t pid, char *err, size_t len)
{
	bool veth = iface->add && strcmp(iface->add, "veth") == 0;
	if (veth && !iface->peer)
		return set_error(err, len, "runtime.interfaces %s: a veth needs peer: NAME",
				 iface->name);
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
	int nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return set_error(err, len, "runtime.interfaces %s: %s: %s", iface->name, path,
				 strerror(errno));
	int r;
	if (veth && !iface->create_in_root) {
		r = veth_inside(iface, nsfd, err, len);
		close(nsfd);
		return r;
	}
	struct nl_sock *sk = route_socket();
	if (!sk) {
		close(nsfd);
		return set_error(err, len, "runtime.interfaces %s: cannot open a netlink socket",
				 iface->name);
	}
	if (iface->add && !veth) {
		r = generic_add(sk, iface, pid, nsfd, err, len);
	} else if (iface->add) {
		/* The peer end stays here; `name` is created in pid's namespace. */
		int rc = rtnl_link_veth_add(sk, iface->peer, iface->name, pid);
		r = rc < 0 ? set_error(err, len, "runtime.interfaces %s: creating veth %s/%s: %s",
				       iface->name, iface->name, iface->peer, nl_geterror(rc))
			   : 0;
	} else {
		r = move_link(sk, iface->name, nsfd, err, len);
	}
	nl_socket_free(sk);
	close(nsfd);
	return r;
}
