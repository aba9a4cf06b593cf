#include "lib/state_status.h"
#include "lib/fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void make_parent(const char *path)
{
	char dir[256];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755); /* EEXIST is the usual answer */
	}
}

int state_status_write(const char *path, const char *fmt, ...)
{
	char line[600], tmp[300];
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (len < 0)
		return -1;
	if ((size_t)len > sizeof line - 2)
		len = sizeof line - 2;
	line[len++] = '\n';
	make_parent(path);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -1;
	if (write_all(fd, line, (size_t)len) < 0 || fsync(fd) < 0) {
		int saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		int saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

enum state_status state_status_read(const char *path, char *line, size_t len)
{
	char buf[600] = "";
	FILE *f = fopen(path, "re");
	if (!f)
		return STATE_STATUS_NONE;
	if (!fgets(buf, sizeof buf, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	if (line)
		snprintf(line, len, "%s", buf);
	if (!strncmp(buf, "mounted ", 8))
		return STATE_STATUS_MOUNTED;
	if (!strncmp(buf, "tmpfs-fallback:", 15))
		return STATE_STATUS_TMPFS_FALLBACK;
	if (!strncmp(buf, "unavailable:", 12))
		return STATE_STATUS_UNAVAILABLE;
	return STATE_STATUS_NONE;
}

bool state_status_blocks_binds(const char *path)
{
	return state_status_read(path, NULL, 0) == STATE_STATUS_UNAVAILABLE;
}
