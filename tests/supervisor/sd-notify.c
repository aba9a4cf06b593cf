/* sd-notify: send one sd_notify datagram to $NOTIFY_SOCKET, for test
 * services (busybox has no way to). Usage: sd-notify READY=1
 * sd-notify --flood MESSAGE sends MESSAGE for ever, as fast as the socket
 * takes it (a service that floods the supervisor, 32-flood).
 *
 * Like sd_notify_barrier(), it passes the write end of a pipe along and
 * waits (at most 5 s) until the receiver has closed it: the supervisor
 * places a sender by its live process, so the sender must outlive the
 * reading of its datagram. */
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int send_with_fd(int sock, const struct sockaddr_un *addr, const char *msg, int passed)
{
	struct iovec iov = {.iov_base = (void *)msg, .iov_len = strlen(msg)};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control = {0};
	struct msghdr mh = {.msg_name = (void *)addr,
			    .msg_namelen = sizeof *addr,
			    .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = control.buf,
			    .msg_controllen = sizeof control.buf};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &passed, sizeof passed);
	return sendmsg(sock, &mh, 0) < 0 ? -1 : 0;
}

static int flood(int fd, const struct sockaddr_un *addr, const char *msg)
{
	for (;;)
		if (sendto(fd, msg, strlen(msg), 0, (const struct sockaddr *)addr, sizeof *addr) <
		    0) {
			perror(addr->sun_path);
			return 1;
		}
}

int main(int argc, char **argv)
{
	const char *path = getenv("NOTIFY_SOCKET");
	bool flooding = argc == 3 && strcmp(argv[1], "--flood") == 0;
	if (flooding) {
		argv++;
		argc--;
	}
	if (argc != 2 || !path || strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		fprintf(stderr, "usage: NOTIFY_SOCKET=PATH sd-notify READY=1\n");
		return 2;
	}
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	strcpy(addr.sun_path, path);
	int pipefd[2];
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && flooding)
		return flood(fd, &addr, argv[1]);
	if (fd < 0 || pipe(pipefd) < 0 || send_with_fd(fd, &addr, argv[1], pipefd[1]) < 0) {
		perror(path);
		return 1;
	}
	close(pipefd[1]);
	struct pollfd p = {.fd = pipefd[0], .events = POLLIN};
	if (poll(&p, 1, 5000) == 0)
		fprintf(stderr, "%s: not read within 5 s\n", path);
	return 0;
}
