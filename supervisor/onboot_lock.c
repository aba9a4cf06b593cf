#include "supervisor/onboot_lock.h"

#include "lib/fdio.h"
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static bool was_started(const char *run_dir)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/onboot.started", run_dir);
	return access(path, F_OK) == 0;
}

static void mark_started(const char *run_dir)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/onboot.started", run_dir);
	if (touch_file(path) < 0)
		log_warn("%s: %s; a supervisor restarted after onboot would run it again", path,
			 strerror(errno));
}

enum onboot_lock onboot_lock_take(const char *run_dir, int *fd)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/onboot.lock", run_dir);
	*fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (*fd < 0) {
		log_warn("%s: %s; onboot runs unguarded", path, strerror(errno));
		return ONBOOT_LOCK_TAKEN;
	}
	if (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		int saved = errno;
		close(*fd);
		*fd = -1;
		if (saved == EWOULDBLOCK)
			return ONBOOT_LOCK_RUNNING;
		log_warn("%s: flock: %s; onboot runs unguarded", path, strerror(saved));
		return ONBOOT_LOCK_TAKEN;
	}
	if (was_started(run_dir)) {
		close(*fd);
		*fd = -1;
		return ONBOOT_LOCK_ENDED;
	}
	mark_started(run_dir);
	return ONBOOT_LOCK_TAKEN;
}
