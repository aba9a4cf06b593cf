/* notify: one sd_notify datagram socket per service that declares
 * "ready": "notify". The socket's directory is bind-mounted into the
 * container (spec.c), so a socket re-created by a restarted supervisor is
 * the one the service reaches. One socket per service: the sender needs no
 * identification. Only READY=1 is acted on; other assignments are ignored. */
#include "lib/log.h"
#include "supervisor/spec.h"
#include "supervisor/supervisor.h"

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
	struct service *s = w->data;
	char msg[4096];
	for (;;) {
		ssize_t n = recv(w->fd, msg, sizeof msg - 1, MSG_DONTWAIT);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("%s: notify socket: %s", s->name, strerror(errno));
			if (errno != EINTR)
				return;
			continue;
		}
		msg[n] = '\0';
		if (says_ready(msg))
			supervise_set_ready(s, "READY=1");
	}
}

int notify_open(struct service *s)
{
	if (mkdir(s->notify_dir, 0755) < 0 && errno != EEXIST)
		return -1;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if ((size_t)snprintf(addr.sun_path, sizeof addr.sun_path, "%s/notify.sock",
			     s->notify_dir) >= sizeof addr.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (unlink(addr.sun_path) < 0 && errno != ENOENT)
		return -1;
	s->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->notify_fd < 0)
		return -1;
	/* Services may run as any user; the directory is theirs alone. */
	if (bind(s->notify_fd, (struct sockaddr *)&addr, sizeof addr) < 0 ||
	    chmod(addr.sun_path, 0666) < 0 ||
	    loop_add(&s->notify_watch, s->notify_fd, EPOLLIN, notify_readable, s) < 0) {
		int saved = errno;
		close(s->notify_fd);
		s->notify_fd = -1;
		errno = saved;
		return -1;
	}
	return 0;
}
