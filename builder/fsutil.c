#include "builder/fsutil.h"

#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char *path, const char *what)
{
	log_err("%s: %s: %s", path, what, strerror(errno));
	return -1;
}

int path_join(char *out, size_t len, const char *a, const char *b)
{
	while (*b == '/')
		b++;
	int n = snprintf(out, len, "%s/%s", a, b);
	if (n < 0 || (size_t)n >= len) {
		log_err("%s/%s: path too long", a, b);
		return -1;
	}
	return 0;
}

int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
		errno = ENAMETOOLONG;
		return fail(path, "mkdir");
	}
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return fail(buf, "mkdir");
		*p = saved;
		if (!saved)
			return 0;
	}
}

int mkdir_parents(const char *path)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
		errno = ENAMETOOLONG;
		return fail(path, "mkdir");
	}
	char *slash = strrchr(buf, '/');
	if (!slash || slash == buf)
		return 0;
	*slash = '\0';
	return mkdir_p(buf, 0755);
}

int copy_file(const char *src, const char *dst, mode_t mode)
{
	int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return fail(src, "open");
	unlink(dst);
	int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode & 07777);
	if (out < 0) {
		close(in);
		return fail(dst, "create");
	}
	char buf[1 << 16];
	ssize_t n;
	int rc = 0;
	while ((n = read(in, buf, sizeof buf)) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0) {
				rc = fail(dst, "write");
				goto done;
			}
			off += w;
		}
	}
	if (n < 0)
		rc = fail(src, "read");
	/* The umask must not change what the image says. */
	else if (fchmod(out, mode & 07777) < 0)
		rc = fail(dst, "chmod");
done:
	close(in);
	if (close(out) < 0 && rc == 0)
		rc = fail(dst, "close");
	return rc;
}

int write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return fail(path, "write");
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return fail(tmp, "create");
	const char *p = data;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			close(fd);
			unlink(tmp);
			return fail(tmp, "write");
		}
		p += w;
		len -= (size_t)w;
	}
	if (fchmod(fd, mode & 07777) < 0 || close(fd) < 0) {
		unlink(tmp);
		return fail(tmp, "finish");
	}
	if (rename(tmp, path) < 0) {
		unlink(tmp);
		return fail(path, "rename");
	}
	return 0;
}

static int make_writable(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_D || flag == FTW_DNR)
		if ((st->st_mode & 0700) != 0700 && chmod(path, (st->st_mode & 07777) | 0700) < 0)
			return fail(path, "chmod");
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)ftw;
	int rc = flag == FTW_DP ? rmdir(path) : unlink(path);
	if (rc < 0 && errno != ENOENT)
		return fail(path, "remove");
	return 0;
}

int remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : fail(path, "stat");
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 ? fail(path, "remove") : 0;
	if (nftw(path, make_writable, 32, FTW_PHYS) != 0)
		return -1;
	return nftw(path, remove_entry, 32, FTW_PHYS | FTW_DEPTH) != 0 ? -1 : 0;
}

bool path_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *read_text(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fail(path, "open");
		return NULL;
	}
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (!buf)
			break;
		if (n + 1 >= cap) {
			char *grown = realloc(buf, cap * 2);
			if (!grown) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = grown;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			fail(path, "read");
			free(buf);
			buf = NULL;
			break;
		}
		if (r == 0) {
			buf[n] = '\0';
			if (len)
				*len = n;
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	return buf;
}
