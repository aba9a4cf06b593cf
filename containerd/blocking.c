/* blocking: the two helpers that wait, for tools, tests and the
 * supervisor's startup probe. Both are bounded. */
#include "containerd/ctrd.h"
#include "lib/clock.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int ctrd_poll_once(struct ctrd *c, int timeout_ms)
{
	if (ctrd_process(c, 0) < 0)
		return -1;
	int next = ctrd_next_timeout_ms(c);
	if (next >= 0 && (timeout_ms < 0 || next < timeout_ms))
		timeout_ms = next;
	struct pollfd pfd = {.fd = ctrd_fd(c),
			     .events = POLLIN | (ctrd_wants_write(c) ? POLLOUT : 0)};
	int n = poll(&pfd, 1, timeout_ms);
	if (n < 0 && errno != EINTR)
		return -1;
	/* poll's and epoll's event bits have the same values */
	return ctrd_process(c, n > 0 ? (uint32_t)pfd.revents : 0);
}

int ctrd_run_until_idle(struct ctrd *c, int timeout_ms)
{
	int64_t end = timeout_ms < 0 ? -1 : boottime_ms_int() + timeout_ms;
	for (;;) {
		if (ctrd_process(c, 0) < 0)
			return -1;
		if (ctrd_pending(c) == 0)
			return 0;
		int64_t left = end < 0 ? -1 : end - boottime_ms_int();
		if (end >= 0 && left <= 0)
			return errno = ETIMEDOUT, -1;
		if (ctrd_poll_once(c, left > INT32_MAX ? INT32_MAX : (int)left) < 0)
			return -1;
	}
}

struct probe {
	bool done;
	int status;
	char message[256];
};

static void probe_done(void *arg, const struct ctrd_result *res)
{
	struct probe *p = arg;
	p->done = true;
	p->status = res->grpc_status;
	snprintf(p->message, sizeof p->message, "%s", res->message);
}

/* One attempt: 0 when containerd answered Version, else -1 and a reason. */
static int probe_once(const char *sock, int timeout_ms, char *err, size_t errlen)
{
	struct ctrd *c = ctrd_connect(sock, NULL);
	if (!c) {
		snprintf(err, errlen, "containerd socket %s: %s", sock ? sock : CTRD_SOCKET,
			 strerror(errno));
		return -1;
	}
	ctrd_set_timeout(c, timeout_ms);
	struct probe p = {0};
	int rv = ctrd_version(c, probe_done, &p);
	if (rv == 0)
		rv = ctrd_run_until_idle(c, timeout_ms + 100);
	if (rv < 0 && !p.done)
		snprintf(err, errlen, "containerd API: %s",
			 ctrd_error(c)[0] ? ctrd_error(c) : strerror(errno));
	ctrd_close(c);
	if (p.done && p.status != CTRD_OK)
		snprintf(err, errlen, "containerd API: Version: %s: %s", ctrd_code_name(p.status),
			 p.message);
	return p.done && p.status == CTRD_OK ? 0 : -1;
}

int ctrd_wait_ready(const char *sock, int timeout_ms, char *err, size_t errlen)
{
	int64_t end = boottime_ms_int() + (timeout_ms > 0 ? timeout_ms : 0);
	for (;;) {
		int64_t left = end - boottime_ms_int();
		if (probe_once(sock,
			       left > 1000 ? 1000
			       : left > 1  ? (int)left
					   : 1,
			       err, errlen) == 0)
			return 0;
		if (boottime_ms_int() + 50 >= end)
			return -1;
		nanosleep(&(struct timespec){.tv_nsec = 50 * 1000000}, NULL);
	}
}
