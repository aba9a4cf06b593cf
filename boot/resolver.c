#include "boot/resolver.h"

#include "boot/readfile.h"
#include "lib/fdio.h"
#include "lib/log.h"
#include "lib/resolver.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A resolv.conf is a few lines; anything larger is not one. */
#define RESOLVER_MAX 65536

/* The userdata resolver lines, or "" when userdata gave none. NULL after
 * logging when the file is there but unreadable. */
static char *userdata_lines(const char *path, size_t *len)
{
	char *text = read_file(path, RESOLVER_MAX, len);
	if (text)
		return text;
	if (errno != ENOENT) {
		log_err("%s: %s; the resolver starts empty", path, strerror(errno));
		return NULL;
	}
	*len = 0;
	return strdup("");
}

static int write_resolver(int dirfd, const char *dir, const char *text, size_t len)
{
	int fd = openat(dirfd, "resolv.conf",
			O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0) {
		log_err("%s/resolv.conf: %s; containers binding /etc/resolv.conf will not start",
			dir, strerror(errno));
		return -1;
	}
	int rc = fchmod(fd, 0644);
	if (rc == 0 && len > 0)
		rc = write_all(fd, text, len);
	if (rc < 0)
		log_err("%s/resolv.conf: %s", dir, strerror(errno));
	close(fd);
	return rc;
}

int resolver_prepare(const char *dir, const char *userdata)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		log_err("%s: %s; no resolver for containers", dir, strerror(errno));
		return -1;
	}
	int dirfd = open_dir_nofollow_at(AT_FDCWD, dir);
	if (dirfd < 0) {
		log_err("%s: %s; no resolver for containers", dir, strerror(errno));
		return -1;
	}
	size_t len = 0;
	char *text = userdata_lines(userdata, &len);
	int rc = write_resolver(dirfd, dir, text ? text : "", text ? len : 0);
	if (rc == 0 && len > 0)
		log_info("resolver: %s from userdata", userdata);
	free(text);
	close(dirfd);
	return rc;
}

int resolver_phase(struct settings *settings)
{
	(void)settings;
	return resolver_prepare(RESOLVER_DIR, RESOLVER_USERDATA);
}
