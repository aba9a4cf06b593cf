#include "metadata/drive.h"

#include "metadata/limits.h"
#include "lib/log.h"

#include <blkid/blkid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

enum drive_kind { DRIVE_NONE, DRIVE_NOCLOUD, DRIVE_CONFIGDRIVE };

struct drive {
	char device[300];
	char type[32];
	enum drive_kind kind;
};

static enum drive_kind kind_of(const char *label, const char *type)
{
	if (strcasecmp(label, "cidata") == 0 &&
	    (strcmp(type, "iso9660") == 0 || strcmp(type, "vfat") == 0))
		return DRIVE_NOCLOUD;
	if (strcasecmp(label, "config-2") == 0 &&
	    (strcmp(type, "iso9660") == 0 || strcmp(type, "vfat") == 0))
		return DRIVE_CONFIGDRIVE;
	return DRIVE_NONE;
}

static int probe(const char *device, struct drive *out)
{
	blkid_probe pr = blkid_new_probe_from_filename(device);
	if (!pr)
		return 0; /* no medium, no permission: not ours */
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_TYPE);
	const char *label = NULL, *type = NULL;
	int found = 0;
	if (blkid_do_safeprobe(pr) == 0 &&
	    blkid_probe_lookup_value(pr, "LABEL", &label, NULL) == 0 &&
	    blkid_probe_lookup_value(pr, "TYPE", &type, NULL) == 0) {
		out->kind = kind_of(label, type);
		if (out->kind != DRIVE_NONE) {
			snprintf(out->device, sizeof out->device, "%s", device);
			snprintf(out->type, sizeof out->type, "%s", type);
			found = 1;
		}
	}
	blkid_free_probe(pr);
	return found;
}

static int find_drive(const char *only, struct drive *out)
{
	if (only)
		return probe(only, out);
	DIR *dir = opendir("/sys/class/block");
	if (!dir) {
		log_err("cannot list /sys/class/block: %s; no cidata or config-2 probe",
			strerror(errno));
		return -1;
	}
	int found = 0;
	struct dirent *e;
	while (!found && (e = readdir(dir))) {
		if (e->d_name[0] == '.' || strncmp(e->d_name, "ram", 3) == 0 ||
		    strncmp(e->d_name, "zram", 4) == 0)
			continue;
		char device[300];
		snprintf(device, sizeof device, "/dev/%s", e->d_name);
		found = probe(device, out);
	}
	closedir(dir);
	return found;
}

static const char *unreadable(int err)
{
	switch (err) {
	case ELOOP:
		return "a symlink (never followed)";
	case EXDEV:
		return "points outside the volume";
	case EINVAL:
		return "not a regular file";
	case EFBIG:
		return "too large";
	default:
		return strerror(err);
	}
}

static void read_optional(int dirfd, const char *device, const char *path, size_t cap,
			  struct buf *out, bool *present)
{
	if (read_beneath_capped(dirfd, path, cap, out) == 0) {
		if (present)
			*present = true;
		return;
	}
	int err = errno;
	buf_reset(out);
	if (err != ENOENT)
		log_err("%s: %s: not read: %s (limit %zu bytes); ignored", device, path,
			unreadable(err), cap);
}

static void read_volume(int dirfd, const struct drive *d, struct source *src)
{
	struct hostconf *hc = &src->hc;
	if (d->kind == DRIVE_NOCLOUD) {
		hc->provider = "nocloud";
		src->meta_format = META_NOCLOUD;
		read_optional(dirfd, d->device, "user-data", USERDATA_RAW_MAX, &hc->userdata,
			      &hc->has_userdata);
		read_optional(dirfd, d->device, "meta-data", METADATA_MAX, &src->metadata, NULL);
		read_optional(dirfd, d->device, "network-config", METADATA_MAX, &hc->network_config,
			      NULL);
	} else {
		hc->provider = "configdrive";
		src->meta_format = META_OPENSTACK;
		read_optional(dirfd, d->device, "openstack/latest/user_data", USERDATA_RAW_MAX,
			      &hc->userdata, &hc->has_userdata);
		read_optional(dirfd, d->device, "openstack/latest/meta_data.json", METADATA_MAX,
			      &src->metadata, NULL);
		read_optional(dirfd, d->device, "openstack/latest/network_data.json", METADATA_MAX,
			      &hc->network_config, NULL);
	}
}

/* The mount lives in our own namespace: nobody else sees it, and it goes
 * away with us even if we are killed. */
static int private_mount_ns(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return -1;
	return mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

static int mount_and_read(const struct drive *d, struct source *src)
{
	char dir[] = "/tmp/stele-metadata.XXXXXX";
	if (!mkdtemp(dir)) {
		log_err("%s: cannot make a mount point in /tmp: %s", d->device, strerror(errno));
		return -1;
	}
	int r = -1;
	if (mount(d->device, dir, d->type, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) <
	    0) {
		log_err("%s: mounting %s read-only: %s (load the %s modules)", d->device, d->type,
			strerror(errno),
			strcmp(d->type, "vfat") ? "isofs" : "vfat, nls_cp437 and nls_ascii");
	} else {
		int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0) {
			log_err("%s: opening its mount: %s", d->device, strerror(errno));
		} else {
			read_volume(dirfd, d, src);
			close(dirfd);
			r = 1;
		}
		if (umount2(dir, MNT_DETACH) < 0)
			log_err("%s: unmounting %s: %s", d->device, dir, strerror(errno));
	}
	if (rmdir(dir) < 0)
		log_err("removing %s: %s", dir, strerror(errno));
	return r;
}

int drive_read(const char *device, struct source *src)
{
	struct drive d = {0};
	int found = find_drive(device, &d);
	if (found <= 0)
		return found;
	log_info("%s: %s volume (%s)", d.device,
		 d.kind == DRIVE_NOCLOUD ? "NoCloud cidata" : "config-2", d.type);
	if (private_mount_ns() < 0) {
		log_err("%s: cannot make a private mount namespace: %s; not mounted", d.device,
			strerror(errno));
		return -1;
	}
	return mount_and_read(&d, src);
}
