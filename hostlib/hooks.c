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

/* LinuxKit's: a relative path is relative to the container's rootfs. */
static const char *in_bundle(const char *path, const char *bundle, char *buf, size_t len)
{
	if (path[0] == '/' || !bundle)
		return path;
	snprintf(buf, len, "%s/rootfs/%s", bundle, path);
	return buf;
}

/* An overlay's upperdir and workdir are made too, as LinuxKit's are. */
static int overlay_dirs(const char *options)
{
	char buf[PATH_MAX * 2];
	snprintf(buf, sizeof buf, "%s", options ? options : "");
	char *save;
	for (char *o = strtok_r(buf, ",", &save); o; o = strtok_r(NULL, ",", &save))
		if ((strncmp(o, "upperdir=", 9) == 0 || strncmp(o, "workdir=", 8) == 0) &&
		    mkdir_parents(strchr(o, '=') + 1) < 0)
			return -1;
	return 0;
}

int hooks_before_create(const struct runtime_hooks *h, const char *bundle, char *err, size_t len)
{
	char buf[PATH_MAX * 2];
	/* LinuxKit's order: mounts, then mkdir (which can make folders inside
	 * a mount), then cgroups. */
	for (size_t i = 0; i < h->n_mounts; i++) {
		const struct hook_mount *m = &h->mounts[i];
		const char *dst = in_bundle(m->destination, bundle, buf, sizeof buf);
		if (mkdir_parents(dst) < 0 || overlay_dirs(m->options) < 0)
			return set_error(err, len, "runtime.mounts %s: %s", dst, strerror(errno));
		if (mount_one(m->type, m->source, dst, m->options, err, len) < 0)
			return -1;
	}
	for (size_t i = 0; i < h->n_mkdirs; i++) {
		const char *dir = in_bundle(h->mkdirs[i], bundle, buf, sizeof buf);
		if (mkdir_parents(dir) < 0)
			return set_error(err, len, "runtime.mkdir %s: %s", dir, strerror(errno));
	}
	for (size_t i = 0; i < h->n_cgroups; i++) {
		/* cgroup v2: a group is one folder; its controllers follow the
		 * parent's subtree_control. */
		snprintf(buf, sizeof buf, "%s/%s", HOOKS_CGROUP_ROOT, h->cgroups[i]);
		if (mkdir_parents(buf) < 0)
			return set_error(err, len, "runtime.cgroups %s: %s", buf, strerror(errno));
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
