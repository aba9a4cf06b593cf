#include "lib/state_bind.h"
#include "lib/fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The part of path below root, or NULL when path is not under root
 * ("/var/libx" is not under "/var/lib"). */
static const char *below(const char *root, const char *path)
{
	size_t n = strlen(root);
	while (n > 1 && root[n - 1] == '/')
		n--;
	if (strncmp(path, root, n) != 0)
		return NULL;
	if (n > 1 && path[n] != '\0' && path[n] != '/')
		return NULL;
	path += n;
	while (*path == '/')
		path++;
	return path;
}

/* Step from dirfd into name, creating it first when missing. Returns the
 * new directory fd, or -1 with errno; *created says whether we made it. */
static int step(int dirfd, const char *name, mode_t mode, bool *created)
{
	*created = mkdirat(dirfd, name, mode) == 0;
	if (!*created && errno != EEXIST)
		return -1;
	return open_dir_nofollow_at(dirfd, name);
}

static int walk(const char *root, const char *rel, uid_t uid, gid_t gid, mode_t mode, char *err,
		size_t errlen)
{
	char buf[512];
	if (snprintf(buf, sizeof buf, "%s", rel) >= (int)sizeof buf) {
		snprintf(err, errlen, "%s/%s: path too long", root, rel);
		return -1;
	}
	int dirfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		snprintf(err, errlen, "%s: %s", root, strerror(errno));
		return -1;
	}
	char *save = NULL;
	for (char *name = strtok_r(buf, "/", &save); name;) {
		char *next = strtok_r(NULL, "/", &save);
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
			snprintf(err, errlen,
				 "%s/%s: '.' and '..' are not allowed; give a plain path", root,
				 rel);
			close(dirfd);
			return -1;
		}
		bool last = next == NULL, created;
		int child = step(dirfd, name, last ? 0700 : 0755, &created);
		int saved = errno;
		close(dirfd);
		if (child < 0) {
			snprintf(err, errlen, "%s/%s: at '%s': %s%s", root, rel, name,
				 strerror(saved),
				 saved == ELOOP ? " (a symlink; remove it from the volume)" : "");
			return -1;
		}
		dirfd = child;
		/* Owner before mode: the directory opens up only once it is
		 * the container's. */
		if (created && last && (fchown(dirfd, uid, gid) < 0 || fchmod(dirfd, mode) < 0)) {
			snprintf(err, errlen, "%s/%s: set owner %u:%u mode %04o: %s", root, rel,
				 (unsigned)uid, (unsigned)gid, (unsigned)mode, strerror(errno));
			close(dirfd);
			return -1;
		}
		if (created && !last && fchmod(dirfd, 0755) < 0) {
			snprintf(err, errlen, "%s/%s: chmod '%s': %s", root, rel, name,
				 strerror(errno));
			close(dirfd);
			return -1;
		}
		name = next;
	}
	close(dirfd);
	return 0;
}

int state_bind_source(const char *root, const char *path, uid_t uid, gid_t gid, mode_t mode,
		      char *err, size_t errlen)
{
	const char *rel = below(root, path);
	if (!rel)
		return 1;
	return walk(root, rel, uid, gid, mode, err, errlen);
}

int state_mkdirs(const char *path, mode_t mode, char *err, size_t errlen)
{
	if (path[0] != '/') {
		snprintf(err, errlen, "%s: not an absolute path", path);
		return -1;
	}
	return walk("/", path + 1, 0, 0, mode, err, errlen);
}
