#include "supervisor/bundlewire.h"
#include "lib/clock.h"
#include "lib/fdio.h"

#include "schema/schema.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SPEC (8 * 1024 * 1024)
#define MAX_DEPS SCHEMA_DEPENDS_MAX
#define MAX_NAME SCHEMA_NAME_MAX

/* The header; err_len bytes of message, late_len bytes of why it is
 * created after onboot, group_len bytes of its shim group's name,
 * n_depends times (uint32 length, name bytes), then spec_len bytes follow. */
struct wire {
	uint32_t ok, err_len, early, late_len, group_len;
	uint32_t restart_mode, min_ms, max_ms, limit, window_ms;
	uint32_t ready, timeout_s, grace_s, optional, binds_state, binds_dir, console;
	uint32_t n_depends, spec_len;
};

/* --- sender ----------------------------------------------------------- */

static struct wire header_of(const struct parsed_bundle *b)
{
	const struct svcconf *c = &b->conf;
	return (struct wire){
	    .ok = b->ok,
	    .err_len = b->ok ? 0 : (uint32_t)strnlen(b->err, sizeof b->err - 1),
	    .early = b->ok && b->early,
	    .late_len = (uint32_t)strnlen(b->late_why, sizeof b->late_why - 1),
	    .group_len = (uint32_t)strnlen(b->shim_group_name, sizeof b->shim_group_name - 1),
	    .restart_mode = c->restart.mode,
	    .min_ms = (uint32_t)c->restart.min_ms,
	    .max_ms = (uint32_t)c->restart.max_ms,
	    .limit = (uint32_t)c->restart.limit,
	    .window_ms = (uint32_t)c->restart.window_ms,
	    .ready = c->ready,
	    .timeout_s = (uint32_t)c->timeout_s,
	    .grace_s = (uint32_t)c->grace_s,
	    .optional = c->optional,
	    .binds_state = c->binds_state,
	    .binds_dir = b->binds_state_dir,
	    .console = c->console,
	    .n_depends = b->ok ? (uint32_t)c->n_depends : 0,
	    .spec_len = b->ok ? (uint32_t)b->spec_len : 0,
	};
}

int bundlewire_send(int fd, const struct parsed_bundle *b)
{
	struct wire w = header_of(b);
	if (write_all(fd, &w, sizeof w) < 0 || write_all(fd, b->err, w.err_len) < 0 ||
	    write_all(fd, b->late_why, w.late_len) < 0 ||
	    write_all(fd, b->shim_group_name, w.group_len) < 0)
		return -1;
	for (uint32_t i = 0; i < w.n_depends; i++) {
		uint32_t len = (uint32_t)strlen(b->conf.depends_on[i]);
		if (write_all(fd, &len, sizeof len) < 0 ||
		    write_all(fd, b->conf.depends_on[i], len) < 0)
			return -1;
	}
	return write_all(fd, b->spec, w.spec_len);
}

/* --- receiver --------------------------------------------------------- */

/* Read exactly len bytes before the deadline; -1 with errno ETIMEDOUT or
 * EPIPE (the sender ended early). */
static int read_exact(int fd, void *buf, size_t len, int64_t deadline)
{
	char *p = buf;
	while (len > 0) {
		int64_t left = deadline - boottime_ms_int();
		if (left <= 0)
			return errno = ETIMEDOUT, -1;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			continue;
		ssize_t got = read(fd, p, len);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0)
			return errno = got == 0 ? EPIPE : errno, -1;
		p += got;
		len -= (size_t)got;
	}
	return 0;
}

static bool header_in_bounds(const struct wire *w)
{
	return w->ok <= 1 && w->early <= 1 && w->optional <= 1 && w->binds_state <= 1 &&
	       w->binds_dir <= 1 && w->console <= 1 && w->err_len < BUNDLE_ERR_LEN &&
	       w->late_len < BUNDLE_LATE_LEN && w->group_len < SPEC_SHIM_GROUP_NAME_MAX &&
	       w->n_depends <= MAX_DEPS && w->spec_len <= MAX_SPEC &&
	       w->restart_mode <= RESTART_NEVER && w->ready <= READY_NOTIFY && w->limit >= 1 &&
	       w->limit <= RESTART_MAX_LIMIT && !(w->ok && w->spec_len == 0) && w->min_ms >= 1 &&
	       w->min_ms <= SCHEMA_SECONDS_MAX * 1000u && w->max_ms <= SCHEMA_SECONDS_MAX * 1000u &&
	       w->window_ms <= SCHEMA_SECONDS_MAX * 1000u && w->timeout_s <= SCHEMA_SECONDS_MAX &&
	       w->grace_s <= SCHEMA_SECONDS_MAX &&
	       (w->ok ? w->err_len == 0 : !w->early && !w->n_depends && !w->spec_len);
}

static int read_string(int fd, char *buf, uint32_t len, int64_t deadline)
{
	if (read_exact(fd, buf, len, deadline) < 0)
		return -1;
	buf[len] = '\0';
	return strlen(buf) == len ? 0 : -2;
}

static void take_settings(struct parsed_bundle *b, const struct wire *w)
{
	b->early = w->early;
	svcconf_defaults(&b->conf);
	b->conf.restart = (struct restart_policy){.mode = (enum restart_mode)w->restart_mode,
						  .min_ms = (int)w->min_ms,
						  .max_ms = (int)w->max_ms,
						  .limit = (int)w->limit,
						  .window_ms = (int)w->window_ms};
	b->conf.ready = (enum ready_mode)w->ready;
	b->conf.timeout_s = (int)w->timeout_s;
	b->conf.grace_s = (int)w->grace_s;
	b->conf.optional = w->optional;
	b->conf.binds_state = w->binds_state;
	b->conf.console = w->console;
	b->binds_state_dir = w->binds_dir;
}

static int read_depends(int fd, struct parsed_bundle *b, uint32_t n, int64_t deadline)
{
	b->conf.depends_on = calloc(n + 1, sizeof *b->conf.depends_on);
	if (!b->conf.depends_on)
		return errno = ENOMEM, -1;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t len;
		if (read_exact(fd, &len, sizeof len, deadline) < 0)
			return -1;
		if (len == 0 || len > MAX_NAME)
			return -2;
		char *name = calloc(1, len + 1);
		if (!name)
			return errno = ENOMEM, -1;
		b->conf.depends_on[b->conf.n_depends++] = name;
		int rc = read_string(fd, name, len, deadline);
		if (rc < 0)
			return rc;
		if (!schema_name_valid(name))
			return -2;
	}
	return 0;
}

int bundlewire_receive(int fd, struct parsed_bundle *b, int64_t deadline_ms)
{
	struct wire w;
	int rc;
	if (read_exact(fd, &w, sizeof w, deadline_ms) < 0)
		return -1;
	if (!header_in_bounds(&w))
		return -2;
	if ((rc = read_string(fd, b->err, w.err_len, deadline_ms)) < 0 ||
	    (rc = read_string(fd, b->late_why, w.late_len, deadline_ms)) < 0 ||
	    (rc = read_string(fd, b->shim_group_name, w.group_len, deadline_ms)) < 0)
		return rc;
	take_settings(b, &w);
	if ((rc = read_depends(fd, b, w.n_depends, deadline_ms)) < 0)
		return rc;
	if (!w.ok)
		return 0;
	b->spec = malloc((size_t)w.spec_len + 1);
	if (!b->spec)
		return errno = ENOMEM, -1;
	b->spec_len = w.spec_len;
	if ((rc = read_string(fd, b->spec, w.spec_len, deadline_ms)) < 0)
		return rc;
	b->ok = true;
	return 0;
}

void bundlewire_release(struct parsed_bundle *b)
{
	svcconf_free(&b->conf);
	free(b->spec);
	memset(b, 0, sizeof *b);
}
