#include "supervisor/logstore.h"

#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void open_file(struct logstore *l)
{
	l->file_fd = open(l->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	struct stat st;
	if (l->file_fd >= 0 && fstat(l->file_fd, &st) == 0) {
		l->size = st.st_size;
		return;
	}
	if (!l->file_error_reported)
		log_warn("log %s: %s: %s; keeping it in memory only (stelectl logs %s)", l->name,
			 l->path, strerror(errno), l->name);
	l->file_error_reported = true;
	if (l->file_fd >= 0)
		close(l->file_fd);
	l->file_fd = -1;
}

int logstore_init(struct logstore *l, const char *name, const char *dir, off_t max_size)
{
	memset(l, 0, sizeof *l);
	snprintf(l->name, sizeof l->name, "%s", name);
	l->file_fd = -1;
	l->tee = NULL;
	l->max_size = max_size > 0 ? max_size : LOGSTORE_MAX_FILE;
	if (ring_init(&l->ring, LOGSTORE_RING_SIZE) < 0)
		return -1;
	if (dir) {
		snprintf(l->path, sizeof l->path, "%s/%s.log", dir, name);
		open_file(l);
	}
	return 0;
}

int logstore_mirror(struct logstore *l, void (*sink)(const char *line))
{
	if (!l->mirror && !(l->mirror = malloc(sizeof *l->mirror)))
		return -1;
	output_init(l->mirror, -1, -1, l->name);
	l->mirror->sink = sink;
	return 0;
}

void logstore_free(struct logstore *l)
{
	if (l->mirror)
		output_flush(l->mirror);
	free(l->mirror);
	l->mirror = NULL;
	if (l->file_fd >= 0)
		close(l->file_fd);
	l->file_fd = -1;
	ring_free(&l->ring);
}

static void rotate(struct logstore *l)
{
	char old[sizeof l->path + 2];
	snprintf(old, sizeof old, "%s.1", l->path);
	close(l->file_fd);
	l->file_fd = -1;
	if (rename(l->path, old) < 0 && errno != ENOENT)
		log_warn("log %s: rotate %s: %s", l->name, l->path, strerror(errno));
	l->size = 0;
	open_file(l);
	if (l->file_fd >= 0 && ftruncate(l->file_fd, 0) < 0)
		log_warn("log %s: truncate %s: %s", l->name, l->path, strerror(errno));
}

static void write_file(struct logstore *l, const char *data, size_t len)
{
	while (len > 0 && l->file_fd >= 0) {
		if (l->size >= l->max_size)
			rotate(l);
		if (l->file_fd < 0)
			return;
		size_t room = (size_t)(l->max_size - l->size);
		size_t chunk = len < room ? len : room;
		ssize_t n = write(l->file_fd, data, chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_warn("log %s: write %s: %s; keeping it in memory only", l->name,
				 l->path, n < 0 ? strerror(errno) : "short write");
			close(l->file_fd);
			l->file_fd = -1;
			return;
		}
		l->size += n;
		data += n;
		len -= (size_t)n;
	}
}

void logstore_write(struct logstore *l, const char *data, size_t len)
{
	ring_append(&l->ring, data, len);
	write_file(l, data, len);
	if (l->tee)
		l->tee(data, len);
	if (l->mirror)
		output_feed(l->mirror, data, len);
}

static int drain(struct logstore *l, int fd)
{
	char buf[16384];
	for (size_t total = 0; total < LOGSTORE_DRAIN_BUDGET;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n > 0) {
			logstore_write(l, buf, (size_t)n);
			total += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n == 0)
			errno = 0;
		return -1;
	}
	return 0;
}

int logstore_drain(struct logstore *l, int fd)
{
	uint64_t before = l->ring.end;
	int rc = drain(l, fd);
	int saved = errno;
	if (l->ring.end != before && l->on_append)
		l->on_append(l->on_append_arg, l);
	errno = saved;
	return rc;
}
