#include "supervisor/notify.h"

#include "lib/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static bool says_ready(const char *msg)
{
	for (const char *line = msg; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : "")
		if (strncmp(line, "READY=1", 7) == 0 && (line[7] == '\n' || line[7] == '\0'))
			return true;
	return false;
}

static void notify_readable(struct watch *w, uint32_t events)
{
	(void)events;
	struct notify *n = w->data;
	char msg[4096];
	for (;;) {
		ssize_t len = recv(w->fd, msg, sizeof msg - 1, MSG_DONTWAIT);
		if (len < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("%s: notify socket: %s", n->name, strerror(errno));
			if (errno != EINTR)
				return;
			continue;
		}
		msg[len] = '\0';
		if (says_ready(msg))
			n->ev->ready(n->name, "READY=1");
	}
}

int notify_open(struct notify *n, const char *dir, const char *name, const struct sv_events *ev)
{
	*n = (struct notify){.fd = -1, .name = name, .ev = ev};
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
	if (bind(n->fd, (struct sockaddr *)&addr, sizeof addr) < 0 ||
	    chmod(addr.sun_path, 0666) < 0 ||
	    loop_add(&n->watch, n->fd, EPOLLIN, notify_readable, n) < 0) {
		int saved = errno;
		close(n->fd);
		n->fd = -1;
		errno = saved;
		return -1;
	}
	return 0;
}
