#include "hostlib/hooks.h"

#include "lib/error.h"

#include "hostlib/netif.h"

#include <errno.h>
#include <fcntl.h>
#include <libmount/libmount.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

int mkdir_parents(const char *path)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = saved;
		if (!saved)
			break;
	}
	struct stat st;
	if (stat(buf, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* One mount through libmount, with no fstab lookup and no mount helpers. */
static int mount_one(const char *type, const char *source, const char *target, const char *options,
		     char *err, size_t len)
{
	struct libmnt_context *cxt = mnt_new_context();
	if (!cxt)
		return set_error(err, len, "mount %s: out of memory", target);
	mnt_context_set_optsmode(cxt, MNT_OMODE_IGNORE | MNT_OMODE_NOTAB);
	mnt_context_disable_helpers(cxt, 1);
	int rc = mnt_context_set_source(cxt, source);
	if (rc == 0)
		rc = mnt_context_set_target(cxt, target);
	if (rc == 0 && type)
		rc = mnt_context_set_fstype(cxt, type);
	if (rc == 0 && options && *options)
		rc = mnt_context_set_options(cxt, options);
	if (rc == 0)
		rc = mnt_context_mount(cxt);
	int r = 0;
	if (rc != 0) {
		char why[256] = "";
		mnt_context_get_excode(cxt, rc, why, sizeof why);
		r = set_error(err, len, "mount %s on %s (%s%s%s): %s", source, target,
			      type ? type : "", options && *options ? ", " : "",
			      options ? options : "", why[0] ? why : strerror(rc < 0 ? -rc : rc));
	}
	mnt_free_context(cxt);
	return r;
}

static int ensure_file(const char *path)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir_parents(dir) < 0)
			return -1;
	}
	int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0444);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* A namespace pinned at target by an earlier attempt or boot is released
 * first, so that retries do not stack pins of dead containers. */
static int unpin_namespace(const char *target)
{
	struct statfs st;
	if (statfs(target, &st) < 0)
		return -1;
	if (st.f_type != NSFS_MAGIC)
		return 0;
	return umount2(target, MNT_DETACH);
}

int hooks_before_create(const struct runtime_hooks *h, char *err, size_t len)
{
	for (size_t i = 0; i < h->n_mkdirs; i++)
		if (mkdir_parents(h->mkdirs[i]) < 0)
			return set_error(err, len, "runtime.mkdir %s: %s", h->mkdirs[i],
					 strerror(errno));
	for (size_t i = 0; i < h->n_mounts; i++) {
		const struct hook_mount *m = &h->mounts[i];
		if (mkdir_parents(m->destination) < 0)
			return set_error(err, len, "runtime.mounts %s: %s", m->destination,
					 strerror(errno));
		if (mount_one(m->type, m->source, m->destination, m->options, err, len) < 0)
			return -1;
	}
	return 0;
}

bool hooks_after_create_any(const struct runtime_hooks *h)
{
	for (int k = 0; k < NS_COUNT; k++)
		if (h->bind_ns[k])
			return true;
	return h->n_ifaces > 0;
}

int hooks_after_create(const struct runtime_hooks *h, pid_t pid, char *err, size_t len)
{
	for (size_t i = 0; i < h->n_ifaces; i++)
		if (netif_apply(&h->ifaces[i], pid, err, len) < 0)
			return -1;
	for (int k = 0; k < NS_COUNT; k++) {
		const char *target = h->bind_ns[k];
		if (!target)
			continue;
		char source[64];
		snprintf(source, sizeof source, "/proc/%d/ns/%s", (int)pid, ns_names[k]);
		if (ensure_file(target) < 0 || unpin_namespace(target) < 0)
			return set_error(err, len, "runtime.bindNS.%s %s: %s", ns_names[k], target,
					 strerror(errno));
		if (mount_one(NULL, source, target, "bind", err, len) < 0)
			return -1;
	}
	return 0;
}
