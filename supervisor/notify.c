#include "supervisor/notify.h"

#include "lib/log.h"
#include "supervisor/notify_parse.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* /proc/PID/cgroup into buf; false when it cannot be read (the process is
 * gone, or the file is larger than any container's). */
static bool read_cgroup(pid_t pid, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0 || (size_t)n == len - 1)
		return false;
	buf[n] = '\0';
	return true;
}

/* The sender is one of the service's processes: it is in the same cgroups
 * as the task's first process (runc puts every process of a container in
 * them, under cgroup v1 and v2 alike). */
static bool sent_by_service(const struct notify *n, pid_t sender)
{
	char task_cg[4096], sender_cg[4096];
	uint32_t task = n->task_pid ? *n->task_pid : 0;
	return task != 0 && sender > 0 && read_cgroup((pid_t)task, task_cg, sizeof task_cg) &&
	       read_cgroup(sender, sender_cg, sizeof sender_cg) && strcmp(task_cg, sender_cg) == 0;
}

/* The sender's pid from SCM_CREDENTIALS. */
static pid_t sender_of(struct msghdr *mh)
{
	pid_t pid = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
			struct ucred cred;
			memcpy(&cred, CMSG_DATA(c), sizeof cred);
			pid = cred.pid;
		}
	return pid;
}

/* fds passed along (sd_notify's barrier) are closed once the datagram has
 * been judged, which tells a waiting sender it has been heard: closing
 * them before would let it exit before its cgroup is read. Those that do
 * not fit the held list are closed at once. */
static void take_passed_fds(struct msghdr *mh, struct notify *hold)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < count; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof fd, sizeof fd);
			if (hold && hold->n_held_fds < sizeof hold->held_fds / sizeof(int))
				hold->held_fds[hold->n_held_fds++] = fd;
			else
				close(fd);
		}
	}
}

static void release_held(struct notify *n)
{
	for (size_t i = 0; i < n->n_held_fds; i++)
		close(n->held_fds[i]);
	n->n_held_fds = 0;
	n->held_sender = 0;
}

static void judge(struct notify *n, pid_t sender)
{
	if (!sent_by_service(n, sender)) {
		log_debug("%s: READY=1 from pid %d, not one of the service's processes: dropped",
			  n->name, (int)sender);
		return;
	}
	n->ev->ready(n->name, "READY=1");
}

/* Whether the datagram was held (its fds with it). */
static bool handle_datagram(struct notify *n, const char *msg, size_t len, pid_t sender)
{
	if (!notify_says_ready(msg, len))
		return false;
	if (n->task_pid && *n->task_pid == 0 && sender > 0) {
		release_held(n);
		n->held_sender = sender;
		return true;
	}
	judge(n, sender);
	return false;
}

void notify_task_known(struct notify *n)
{
	pid_t sender = n->held_sender;
	if (!sender)
		return;
	judge(n, sender);
	release_held(n);
}

/* Datagrams read per wake-up: a service that floods its socket gets its
 * share of the loop, no more; the watch is level-triggered, so the rest
 * waits for the next turn (and the sender blocks on the full queue). */
#define NOTIFY_BUDGET 32

static void notify_readable(struct watch *w, uint32_t events)
{
	(void)events;
	struct notify *n = w->data;
	char msg[4096];
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(16 * sizeof(int))];
		struct cmsghdr align;
	} control;
	for (int budget = NOTIFY_BUDGET; budget > 0; budget--) {
		struct iovec iov = {.iov_base = msg, .iov_len = sizeof msg};
		struct msghdr mh = {.msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = control.buf,
				    .msg_controllen = sizeof control.buf};
		ssize_t len = recvmsg(w->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (len < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("%s: notify socket: %s", n->name, strerror(errno));
			if (errno != EINTR)
				return;
			continue;
		}
		bool held = handle_datagram(n, msg, (size_t)len, sender_of(&mh));
		take_passed_fds(&mh, held ? n : NULL);
	}
}

/* Bound with its final mode: a chmod after bind() would follow a symlink
 * the service put in its place, in a directory the service can write. The
 * loop is single-threaded, so the umask is ours for the call. */
static int bind_world_writable(int fd, const struct sockaddr_un *addr)
{
	mode_t old = umask(0111);
	int rc = bind(fd, (const struct sockaddr *)addr, sizeof *addr);
	int saved = errno;
	umask(old);
	errno = saved;
	return rc;
}

int notify_open(struct notify *n, const char *dir, const char *name, const uint32_t *task_pid,
		const struct sv_events *ev)
{
	*n = (struct notify){.fd = -1, .name = name, .task_pid = task_pid, .ev = ev};
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -1;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if ((size_t)snprintf(addr.sun_path, sizeof addr.sun_path, "%s/notify.sock", dir) >=
	    sizeof addr.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (unlink(addr.sun_path) < 0 && errno != ENOENT)
		return -1;
	n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (n->fd < 0)
		return -1;
	int on = 1;
	if (setsockopt(n->fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) < 0 ||
	    bind_world_writable(n->fd, &addr) < 0 ||
	    loop_add(&n->watch, n->fd, EPOLLIN, notify_readable, n) < 0) {
		int saved = errno;
		close(n->fd);
		n->fd = -1;
		errno = saved;
		return -1;
	}
	return 0;
}
