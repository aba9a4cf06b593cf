#include "hostlib/volumes.h"

#include "lib/error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* A bind of the same file system keeps st_dev: the mount id tells. */
static bool mounted_on(const char *dir, const char *parent)
{
	struct statx a, b;
	return statx(AT_FDCWD, dir, 0, STATX_MNT_ID, &a) == 0 &&
	       statx(AT_FDCWD, parent, 0, STATX_MNT_ID, &b) == 0 && (a.stx_mask & STATX_MNT_ID) &&
	       a.stx_mnt_id != b.stx_mnt_id;
}

static int setup_one(const char *base, const char *name, char *err, size_t len)
{
	char lower[PATH_MAX + 512], merged[PATH_MAX + 512], tmp[PATH_MAX + 512],
	    upper[PATH_MAX + 520], work[PATH_MAX + 520], opts[PATH_MAX * 3 + 1700];
	snprintf(lower, sizeof lower, "%s/lower", base);
	snprintf(merged, sizeof merged, "%s/merged", base);
	snprintf(tmp, sizeof tmp, "%s/tmp", base);
	if (mounted_on(merged, base))
		return 0;
	struct stat st;
	if (stat(lower, &st) < 0 || stat(merged, &st) < 0)
		return set_error(err, len, "volume %s: lower/ or merged/ missing in %s", name,
				 base);
	if (stat(tmp, &st) < 0) { /* read-only */
		if (mount(lower, merged, NULL, MS_BIND, NULL) < 0 ||
		    mount(NULL, merged, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
			return set_error(err, len, "volume %s: bind %s read-only: %s", name, lower,
					 strerror(errno));
		return 0;
	}
	snprintf(upper, sizeof upper, "%s/upper", tmp);
	snprintf(work, sizeof work, "%s/work", tmp);
	if (mount("tmpfs", tmp, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0 ||
	    (mkdir(upper, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(work, 0755) < 0 && errno != EEXIST))
		return set_error(err, len, "volume %s: tmpfs on %s: %s", name, tmp,
				 strerror(errno));
	snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
	if (mount("overlay", merged, "overlay", MS_RELATIME, opts) < 0)
		return set_error(err, len, "volume %s: overlay on %s: %s", name, merged,
				 strerror(errno));
	return 0;
}

int volumes_setup(const char *root, char *err, size_t len)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/volumes", root);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char base[PATH_MAX + 256];
		snprintf(base, sizeof base, "%s/%s", dir, e->d_name);
		char one[512];
		if (setup_one(base, e->d_name, one, sizeof one) < 0 && rc == 0) {
			snprintf(err, len, "%s", one);
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}
