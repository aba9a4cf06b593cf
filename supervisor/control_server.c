/* control_server: clients of RUN/control.sock, each bounded (header). */
#include "supervisor/control_server.h"
#include "lib/clock.h"

#include "lib/log.h"
#include "supervisor/control_parse.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define OUT_LIMIT (256 * 1024)

struct client {
	struct watch w; /* first: loop_free_later() frees the client by it */
	struct control *ctl;
	char in[CONTROL_MAX_REQUEST + 1];
	size_t in_len;
	char *out;
	size_t out_len, out_sent;
	bool answered;
	struct logstore *follow;
	uint64_t follow_at;
	struct timer idle; /* closes a client that sends no request */
};

static void client_close(struct client *c)
{
	for (size_t i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (c->ctl->clients[i] == c)
			c->ctl->clients[i] = NULL;
	loop_del(&c->w);
	timer_free(&c->idle);
	close(c->w.fd);
	free(c->out);
	loop_free_later(c);
}

static void put(struct client *c, const char *data, size_t len)
{
	if (c->out_len + len > OUT_LIMIT)
		return; /* a reader this slow loses output, the loop loses nothing */
	char *grown = realloc(c->out, c->out_len + len);
	if (!grown)
		return;
	c->out = grown;
	memcpy(c->out + c->out_len, data, len);
	c->out_len += len;
}

static void putf(struct client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct client *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0)
		put(c, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void pull_follow(struct client *c)
{
	char buf[16384];
	while (c->follow && c->out_len - c->out_sent < OUT_LIMIT / 2) {
		size_t n = ring_read(&c->follow->ring, &c->follow_at, buf, sizeof buf);
		if (n == 0)
			break;
		put(c, buf, n);
	}
}

/* Write what is pending; returns false when the client is gone. */
static bool flush(struct client *c)
{
	while (c->out_sent < c->out_len) {
		ssize_t n = send(c->w.fd, c->out + c->out_sent, c->out_len - c->out_sent,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			client_close(c);
			return false;
		}
		c->out_sent += (size_t)n;
		if (c->out_sent == c->out_len) {
			c->out_sent = c->out_len = 0;
			pull_follow(c);
		}
	}
	if (c->answered && !c->follow && c->out_sent == c->out_len) {
		client_close(c);
		return false;
	}
	if (loop_mod(&c->w, EPOLLIN | (c->out_sent < c->out_len ? EPOLLOUT : 0)) < 0) {
		log_warn("control: epoll: %s; dropping a client", strerror(errno));
		client_close(c);
		return false;
	}
	return true;
}

static void put_row(void *arg, const struct status_row *r)
{
	struct client *c = arg;
	char since[32] = "-";
	if (r->since_ms >= 0)
		snprintf(since, sizeof since, "%.0f", (boottime_ms() - r->since_ms) / 1000.0);
	putf(c, "%s\t%s\t%s\t%ld\t%s\t%u\t%s\n", r->kind, r->name, r->state, r->pid, since,
	     r->restarts, r->detail);
}

static void do_status(struct client *c, char **argv, int argc)
{
	const char *name = argc > 1 ? argv[1] : NULL;
	size_t before = c->out_len;
	putf(c, "ok\n");
	if (!c->ctl->ops->status(name, put_row, c)) {
		c->out_len = before; /* nothing was emitted after the "ok" */
		putf(c, "error no service %s: stelectl status lists them\n", name);
	}
}

/* A followed log got output: pass it on to every client following it. */
static void log_appended(void *arg, struct logstore *l)
{
	struct control *ctl = arg;
	for (size_t i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		struct client *c = ctl->clients[i];
		if (!c || c->follow != l)
			continue;
		pull_follow(c);
		flush(c);
	}
}

static void do_logs(struct client *c, char **argv, int argc)
{
	char *end = NULL;
	long lines = argc == 4 ? strtol(argv[2], &end, 10) : -1;
	if (argc != 4 || !end || *end || lines < 0 ||
	    (strcmp(argv[3], "0") && strcmp(argv[3], "1"))) {
		putf(c, "error usage: logs NAME LINES FOLLOW(0|1)\n");
		return;
	}
	struct logstore *l = c->ctl->ops->log(argv[1]);
	if (!l) {
		putf(c, "error no log %s: name a service, containerd or onboot\n", argv[1]);
		return;
	}
	putf(c, "ok\n");
	l->on_append = log_appended;
	l->on_append_arg = c->ctl;
	c->follow = l;
	c->follow_at = lines == 0 ? ring_begin(&l->ring) : ring_last_lines(&l->ring, (size_t)lines);
	pull_follow(c);
	if (strcmp(argv[3], "1") != 0)
		c->follow = NULL;
}

static void do_action(struct client *c, char **argv, int argc)
{
	if (argc != 2) {
		putf(c, "error usage: %s NAME\n", argv[0]);
		return;
	}
	char msg[400];
	if (c->ctl->ops->request(argv[0], argv[1], msg, sizeof msg) < 0)
		putf(c, "error %s\n", msg);
	else
		putf(c, "ok %s\n", msg);
}

static void do_power(struct client *c, char **argv)
{
	enum power_action a = strcmp(argv[0], "poweroff") == 0 ? POWER_POWEROFF
			      : strcmp(argv[0], "reboot") == 0 ? POWER_REBOOT
							       : POWER_HALT;
	putf(c, "ok\n");
	c->ctl->ev->power_request(a);
}

static void handle_request(struct client *c, char *line)
{
	char *argv[CONTROL_MAX_WORDS + 1];
	const char *why;
	int argc = control_split(line, argv, &why);
	c->answered = true;
	if (argc < 0) {
		putf(c, "error %s\n", why);
		return;
	}
	if (strcmp(argv[0], "status") == 0 && argc <= 2)
		do_status(c, argv, argc);
	else if (strcmp(argv[0], "logs") == 0)
		do_logs(c, argv, argc);
	else if (!strcmp(argv[0], "start") || !strcmp(argv[0], "stop") ||
		 !strcmp(argv[0], "restart"))
		do_action(c, argv, argc);
	else if ((!strcmp(argv[0], "poweroff") || !strcmp(argv[0], "reboot") ||
		  !strcmp(argv[0], "halt")) &&
		 argc == 1)
		do_power(c, argv);
	else
		putf(c, "error unknown request \"%.40s\": stelectl --help lists the commands\n",
		     argv[0]);
}

static void client_event(struct watch *w, uint32_t events)
{
	struct client *c = (struct client *)w;
	if (events & EPOLLIN) {
		ssize_t n =
		    recv(w->fd, c->in + c->in_len, sizeof c->in - 1 - c->in_len, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			client_close(c);
			return;
		}
		if (n > 0 && !c->answered) {
			c->in_len += (size_t)n;
			c->in[c->in_len] = '\0';
			char *nl = strchr(c->in, '\n');
			if (nl) {
				*nl = '\0';
				handle_request(c, c->in);
			} else if (c->in_len == sizeof c->in - 1 || memchr(c->in, 0, c->in_len)) {
				c->answered = true;
				putf(c, "error request too long or not a text line\n");
			}
		}
	} else if (events & (EPOLLHUP | EPOLLERR)) {
		client_close(c);
		return;
	}
	flush(c);
}

/* Slots are few (CONTROL_MAX_CLIENTS): one who connects and says nothing
 * must not keep one. */
static void client_idle(struct timer *t)
{
	struct client *c = t->data;
	if (c->answered)
		return;
	c->answered = true;
	putf(c, "error no request within %d s: send one line, see supervisor/README.md\n",
	     CONTROL_IDLE_MS / 1000);
	flush(c);
}

static void refuse(int fd, const char *why)
{
	if (send(fd, why, strlen(why), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("control: refusing a client: %m");
	close(fd);
}

/* uid 0 is not enough: root in a container that can reach the socket (a
 * bind of /run) would pass. The peer must share the supervisor's pid and
 * user namespaces, as host processes and `pid: host` containers (getty,
 * sshd) do. A peer gone before it is looked at is refused too. */
static bool same_ns(pid_t pid, const char *ns)
{
	char path[64];
	struct stat ours, theirs;
	snprintf(path, sizeof path, "/proc/self/ns/%s", ns);
	if (stat(path, &ours) < 0)
		return true; /* no namespaces in this kernel: nothing to tell apart */
	snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, ns);
	return stat(path, &theirs) == 0 && theirs.st_dev == ours.st_dev &&
	       theirs.st_ino == ours.st_ino;
}

static bool in_our_namespaces(pid_t pid)
{
	return pid > 0 && same_ns(pid, "pid") && same_ns(pid, "user");
}

static void accept_client(struct watch *w, uint32_t events)
{
	(void)events;
	int fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("control: accept: %s", strerror(errno));
		return;
	}
	struct ucred cred;
	socklen_t len = sizeof cred;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != 0) {
		refuse(fd, "error permission denied: only root may control stele; run stelectl "
			   "as root\n");
		return;
	}
	if (!in_our_namespaces(cred.pid)) {
		refuse(fd, "error permission denied: root in a container (its own pid or user "
			   "namespace) may not control stele; run stelectl on the host or in a "
			   "container with pid: host\n");
		return;
	}
	size_t slot = 0;
	struct control *ctl = w->data;
	while (slot < CONTROL_MAX_CLIENTS && ctl->clients[slot])
		slot++;
	struct client *c = slot < CONTROL_MAX_CLIENTS ? calloc(1, sizeof *c) : NULL;
	if (!c) {
		refuse(fd, "error too many control clients: try again\n");
		return;
	}
	if (timer_init(&c->idle, client_idle, c) < 0) {
		free(c);
		refuse(fd, "error internal: timerfd\n");
		return;
	}
	if (loop_add(&c->w, fd, EPOLLIN, client_event, c) < 0) {
		timer_free(&c->idle);
		free(c);
		refuse(fd, "error internal: epoll\n");
		return;
	}
	timer_arm(&c->idle, CONTROL_IDLE_MS);
	c->ctl = ctl;
	ctl->clients[slot] = c;
}

int control_open(struct control *ctl, const char *run_dir, const struct control_ops *ops,
		 const struct sv_events *ev)
{
	*ctl = (struct control){.ops = ops, .ev = ev, .listen_fd = -1};
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(ctl->sock_path, sizeof ctl->sock_path, "%s/%s", run_dir, CONTROL_SOCKET);
	if (strlen(ctl->sock_path) >= sizeof addr.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(addr.sun_path, ctl->sock_path);
	if (unlink(ctl->sock_path) < 0 && errno != ENOENT)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* The mode is set before anyone can connect: bind under a tight umask. */
	mode_t old = umask(0177);
	int rc = bind(fd, (struct sockaddr *)&addr, sizeof addr);
	umask(old);
	if (rc < 0 || chmod(ctl->sock_path, 0600) < 0 || listen(fd, 16) < 0 ||
	    loop_add(&ctl->listen_watch, fd, EPOLLIN, accept_client, ctl) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	ctl->listen_fd = fd;
	return 0;
}

void control_close(struct control *ctl)
{
	if (ctl->listen_fd < 0)
		return;
	loop_del(&ctl->listen_watch);
	close(ctl->listen_fd);
	ctl->listen_fd = -1;
	if (unlink(ctl->sock_path) < 0 && errno != ENOENT)
		log_warn("%s: %s", ctl->sock_path, strerror(errno));
}
