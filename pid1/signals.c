#include "pid1/signals.h"

#include "lib/log.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

static const int handled[] = {SIGCHLD, SIGTERM, SIGINT, SIGUSR1, SIGUSR2, SIGPWR, SIGHUP};

static void handled_set(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof handled / sizeof *handled; i++)
		sigaddset(set, handled[i]);
}

void signals_block(void)
{
	sigset_t set;
	handled_set(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		log_err("block signals: %s", strerror(errno));
	/* A console that goes away must not end PID 1's writes. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		log_err("ignore SIGPIPE: %s", strerror(errno));
}

int signals_open(struct signal_source *src)
{
	sigset_t set;
	handled_set(&set);
	src->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	src->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (src->sfd < 0 || src->epfd < 0) {
		log_err("signalfd/epoll: %s", strerror(errno));
		return -1;
	}
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = src->sfd};
	if (epoll_ctl(src->epfd, EPOLL_CTL_ADD, src->sfd, &ev) < 0) {
		log_err("epoll_ctl signalfd: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int read_signal(int sfd)
{
	struct signalfd_siginfo info;
	ssize_t n;
	do
		n = read(sfd, &info, sizeof info);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof info)
		return (int)info.ssi_signo;
	if (n < 0 && errno == EAGAIN)
		return 0;
	log_err("read signalfd: %s", n < 0 ? strerror(errno) : "short read");
	return -1;
}

int signals_next(struct signal_source *src, int timeout_ms)
{
	int signo = read_signal(src->sfd);
	if (signo != 0)
		return signo;
	struct epoll_event ev;
	int n = epoll_wait(src->epfd, &ev, 1, timeout_ms);
	if (n < 0 && errno == EINTR)
		return 0;
	if (n < 0) {
		log_err("epoll_wait: %s", strerror(errno));
		return -1;
	}
	return n == 0 ? 0 : read_signal(src->sfd);
}

enum shutdown_kind shutdown_kind_of(int signo)
{
	switch (signo) {
	case SIGTERM:
	case SIGINT:
		return SHUTDOWN_REBOOT;
	case SIGUSR1:
		return SHUTDOWN_HALT;
	case SIGUSR2:
	case SIGPWR:
		return SHUTDOWN_POWEROFF;
	}
	return SHUTDOWN_NONE;
}

const char *shutdown_kind_name(enum shutdown_kind kind)
{
	switch (kind) {
	case SHUTDOWN_REBOOT:
		return "reboot";
	case SHUTDOWN_HALT:
		return "halt";
	case SHUTDOWN_POWEROFF:
		return "poweroff";
	case SHUTDOWN_NONE:
		break;
	}
	return "none";
}

enum shutdown_kind shutdown_kind_from_name(const char *name)
{
	static const enum shutdown_kind kinds[] = {SHUTDOWN_REBOOT, SHUTDOWN_HALT,
						   SHUTDOWN_POWEROFF};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (strcmp(name, shutdown_kind_name(kinds[i])) == 0)
			return kinds[i];
	return SHUTDOWN_NONE;
}
