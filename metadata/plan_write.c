/* plan_write: the only code that creates files under /run/config. It walks
 * each path one component at a time from the root fd, with O_NOFOLLOW and
 * O_DIRECTORY, so a symlink or file planted beforehand stops the walk
 * instead of redirecting it. Files are written to a temporary name and
 * renamed into place: rename replaces a planted symlink or hard link
 * rather than writing through it. */
#include "lib/fdio.h"
#include "metadata/plan.h"

#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *why(int err)
{
	switch (err) {
	case ELOOP:
		return "a symlink is in the way (not followed)";
	case ENOTDIR:
		return "a file is in the way of a directory";
	case EISDIR:
		return "a directory is in the way of a file";
	default:
		return strerror(err);
	}
}

/* mkdir if missing, then open it without following a symlink. */
static int enter_dir(int dirfd, const char *name, mode_t mode)
{
	if (mkdirat(dirfd, name, mode) < 0 && errno != EEXIST)
		return -1;
	return open_dir_nofollow_at(dirfd, name);
}

static int replace_file_at(int dirfd, const char *name, const struct entry *e)
{
	static unsigned serial;
	char tmp[64];
	snprintf(tmp, sizeof tmp, ".stele-tmp-%d-%u", (int)getpid(), serial++);
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (write_all(fd, e->data, e->len) < 0 || fchmod(fd, e->mode) < 0) {
		int saved = errno;
		close(fd);
		unlinkat(dirfd, tmp, 0);
		errno = saved;
		return -1;
	}
	if (close(fd) < 0 || renameat(dirfd, tmp, dirfd, name) < 0) {
		int saved = errno;
		unlinkat(dirfd, tmp, 0);
		errno = saved;
		return -1;
	}
	return 0;
}

static int make_dir_at(int dirfd, const char *name, mode_t mode)
{
	int fd = enter_dir(dirfd, name, mode);
	if (fd < 0)
		return -1;
	int r = fchmod(fd, mode);
	int saved = errno;
	close(fd);
	errno = saved;
	return r;
}

static int write_entry(int rootfd, const struct entry *e)
{
	char path[4096];
	snprintf(path, sizeof path, "%s", e->path);
	int dirfd = rootfd;
	char *name = path;
	for (char *slash; (slash = strchr(name, '/')); name = slash + 1) {
		*slash = '\0';
		int next = enter_dir(dirfd, name, 0755);
		int saved = errno;
		if (dirfd != rootfd)
			close(dirfd);
		if (next < 0) {
			errno = saved;
			return -1;
		}
		dirfd = next;
	}
	int r = e->kind == ENTRY_DIR ? make_dir_at(dirfd, name, e->mode)
				     : replace_file_at(dirfd, name, e);
	int saved = errno;
	if (dirfd != rootfd)
		close(dirfd);
	errno = saved;
	return r;
}

int plan_write(int rootfd, const struct plan *p)
{
	int failures = 0;
	for (size_t i = 0; i < p->count; i++) {
		if (write_entry(rootfd, &p->entries[i]) == 0)
			continue;
		log_err("%s: not written: %s", p->entries[i].path, why(errno));
		failures++;
	}
	return failures;
}
