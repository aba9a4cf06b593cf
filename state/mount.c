#include "state/mount.h"

#include "lib/bounded_call.h"
#include "lib/state_bind.h"

#include <errno.h>
#include <libmount/libmount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

/* Each of the unmount and the read-only remount writes the filesystem out
 * first; on a disk that has stopped answering it never ends, so each runs
 * in a child bounded by this (lib/bounded_call.h). */
#define STATE_UNMOUNT_TIMEOUT_MS 30000

static int mount_with(const char *source, const char *fstype, const char *mountpoint,
		      const char *options, bool readonly, char *err, size_t errlen)
{
	if (state_mkdirs(mountpoint, 0755, err, errlen) < 0)
		return -1;
	struct libmnt_context *cxt = mnt_new_context();
	if (!cxt) {
		snprintf(err, errlen, "mount %s at %s: out of memory", source, mountpoint);
		return -1;
	}
	/* PID 1 on a read-only image: no /sbin/mount.* helpers, no utab. */
	int rc = mnt_context_disable_helpers(cxt, 1);
	if (!rc)
		rc = mnt_context_disable_mtab(cxt, 1);
	if (!rc)
		rc = mnt_context_set_source(cxt, source);
	if (!rc)
		rc = mnt_context_set_target(cxt, mountpoint);
	if (!rc)
		rc = mnt_context_set_fstype(cxt, fstype);
	if (!rc && options && options[0])
		rc = mnt_context_set_options(cxt, options);
	if (!rc && readonly)
		rc = mnt_context_append_options(cxt, "ro");
	if (rc) {
		snprintf(err, errlen, "mount %s at %s: bad options '%s': %s", source, mountpoint,
			 options ? options : "", strerror(-rc));
		mnt_free_context(cxt);
		return -1;
	}
	rc = mnt_context_mount(cxt);
	if (rc != 0 || mnt_context_get_status(cxt) != 1) {
		char why[256] = "";
		mnt_context_get_excode(cxt, rc, why, sizeof why);
		snprintf(err, errlen, "mount %s at %s: %s", source, mountpoint,
			 why[0] ? why : "failed");
		mnt_free_context(cxt);
		return -1;
	}
	mnt_free_context(cxt);
	return 0;
}

int state_mount_device(const char *dev, const char *fstype, const char *mountpoint,
		       const char *options, bool readonly, char *err, size_t errlen)
{
	return mount_with(dev, fstype, mountpoint, options, readonly, err, errlen);
}

int state_mount_tmpfs(const char *mountpoint, char *err, size_t errlen)
{
	return mount_with("tmpfs", "tmpfs", mountpoint, "mode=0755,nosuid,nodev", false, err,
			  errlen);
}

int state_unmount(const char *mountpoint, char *err, size_t errlen)
{
	char why[128];
	enum bounded_outcome done =
	    bounded_umount(mountpoint, UMOUNT_NOFOLLOW, STATE_UNMOUNT_TIMEOUT_MS);
	if (done == BOUNDED_DONE ||
	    (done == BOUNDED_FAILED && (errno == EINVAL || errno == ENOENT)))
		return 0;
	if (done != BOUNDED_FAILED) {
		snprintf(err, errlen, "unmount %s: %s; going on without it", mountpoint,
			 bounded_why(done, STATE_UNMOUNT_TIMEOUT_MS, why, sizeof why));
		return -1;
	}
	int busy = errno;
	done = bounded_remount(mountpoint, MS_REMOUNT | MS_RDONLY, STATE_UNMOUNT_TIMEOUT_MS);
	if (done != BOUNDED_DONE) {
		snprintf(err, errlen,
			 "unmount %s: %s; remount read-only: %s (journal recovery next boot)",
			 mountpoint, strerror(busy),
			 bounded_why(done, STATE_UNMOUNT_TIMEOUT_MS, why, sizeof why));
		return -1;
	}
	snprintf(err, errlen, "unmount %s: %s; remounted read-only instead", mountpoint,
		 strerror(busy));
	return 0;
}
