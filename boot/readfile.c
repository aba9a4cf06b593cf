#include "boot/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char *fail(int fd, char *buf, int error)
{
	free(buf);
	close(fd);
	errno = error;
	return NULL;
}

char *read_file(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return NULL;
	/* /proc files report size 0: start small and grow. */
	struct stat st;
	size_t cap = fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
	if (cap > max + 1)
		cap = max + 1;
	char *buf = malloc(cap);
	if (!buf)
		return fail(fd, NULL, ENOMEM);
	size_t used = 0;
	for (;;) {
		if (used + 1 == cap) {
			if (cap > max) {
				char probe;
				ssize_t more = read(fd, &probe, 1);
				if (more == 0)
					break;
				return fail(fd, buf, more < 0 ? errno : EFBIG);
			}
			size_t bigger = cap * 2 > max + 1 ? max + 1 : cap * 2;
			char *grown = realloc(buf, bigger);
			if (!grown)
				return fail(fd, buf, ENOMEM);
			buf = grown;
			cap = bigger;
		}
		ssize_t n = read(fd, buf + used, cap - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail(fd, buf, errno);
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	buf[used] = '\0';
	if (len)
		*len = used;
	return buf;
}
