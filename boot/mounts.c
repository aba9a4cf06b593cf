#include "boot/mounts.h"

#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <libmount/libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

struct mount_spec {
	const char *source, *target, *type, *options;
	bool optional; /* silently skipped when the kernel lacks it */
};

/* In order: later targets live inside earlier ones. No exec where no
 * program should ever run from; /run and /tmp keep exec because runtimes
 * run helpers from there. /run is bounded (systemd's 20% of memory): what
 * fills it gets ENOSPC, and the host keeps its memory. */
static const struct mount_spec api_mounts[] = {
    {"proc", "/proc", "proc", "nosuid,nodev,noexec", false},
    {"sysfs", "/sys", "sysfs", "nosuid,nodev,noexec", false},
    {"devtmpfs", "/dev", "devtmpfs", "nosuid,noexec,mode=0755", false},
    {"devpts", "/dev/pts", "devpts", "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5",
     false},
    {"shm", "/dev/shm", "tmpfs", "nosuid,nodev,noexec,mode=1777", false},
    {"mqueue", "/dev/mqueue", "mqueue", "nosuid,nodev,noexec", false},
    {"tmpfs", "/run", "tmpfs", "nosuid,nodev,mode=0755,size=20%,nr_inodes=800k", false},
    {"tmpfs", "/tmp", "tmpfs", "nosuid,nodev,mode=1777", false},
    {"cgroup2", "/sys/fs/cgroup", "cgroup2", "nosuid,nodev,noexec,nsdelegate", false},
    {"securityfs", "/sys/kernel/security", "securityfs", "nosuid,nodev,noexec", true},
    {"debugfs", "/sys/kernel/debug", "debugfs", "nosuid,nodev,noexec,mode=0700", true},
    {"bpf", "/sys/fs/bpf", "bpf", "nosuid,nodev,noexec,mode=0700", true},
    {"pstore", "/sys/fs/pstore", "pstore", "nosuid,nodev,noexec", true},
    {"configfs", "/sys/kernel/config", "configfs", "nosuid,nodev,noexec", true},
    {"fusectl", "/sys/fs/fuse/connections", "fusectl", "nosuid,nodev,noexec", true},
    {"efivarfs", "/sys/firmware/efi/efivars", "efivarfs", "nosuid,nodev,noexec", true},
    {"binfmt_misc", "/proc/sys/fs/binfmt_misc", "binfmt_misc", "nosuid,nodev,noexec", true},
};

int mount_with_options(const char *source, const char *target, const char *type,
		       const char *options)
{
	unsigned long flags = 0;
	char *data = NULL;
	const struct libmnt_optmap *map = mnt_get_builtin_optmap(MNT_LINUX_MAP);
	int rc = mnt_optstr_get_flags(options, &flags, map);
	if (rc == 0)
		rc = mnt_split_optstr(options, NULL, NULL, &data, 0, 0);
	if (rc != 0) {
		errno = rc < 0 ? -rc : EINVAL;
		return -1;
	}
	rc = mount(source, target, type, flags, data);
	int saved = errno;
	free(data);
	errno = saved;
	return rc;
}

/* A target whose device differs from its parent's is already mounted:
 * the kernel's devtmpfs automount, or a test's bind mount. */
static bool is_mount_point(const char *path)
{
	struct stat self, parent;
	char up[512];
	snprintf(up, sizeof up, "%s/..", path);
	if (stat(path, &self) < 0 || stat(up, &parent) < 0)
		return false;
	return self.st_dev != parent.st_dev || self.st_ino == parent.st_ino;
}

/* Whether /proc/filesystems lists type: before /proc is mounted, assume so. */
static bool kernel_has_fs(const char *type)
{
	FILE *f = fopen("/proc/filesystems", "re");
	if (!f)
		return true;
	char line[128];
	bool found = false;
	while (!found && fgets(line, sizeof line, f)) {
		char *name = strchr(line, '\t');
		name = name ? name + 1 : line;
		name[strcspn(name, "\n")] = '\0';
		found = strcmp(name, type) == 0;
	}
	fclose(f);
	return found;
}

static int mount_one(const struct mount_spec *m)
{
	if (m->optional && !kernel_has_fs(m->type))
		return 0;
	if (mkdir(m->target, 0755) < 0 && errno != EEXIST) {
		/* Optional targets come from the kernel (sysfs, efi): no dir,
		 * no feature. Required ones must be in the image. */
		if (m->optional)
			return 0;
		log_err("mount %s: mkdir: %s: add the directory to the image", m->target,
			strerror(errno));
		return -1;
	}
	if (is_mount_point(m->target)) {
		log_debug("mount %s: already mounted", m->target);
		return 0;
	}
	if (mount_with_options(m->source, m->target, m->type, m->options) < 0) {
		if (m->optional && (errno == ENODEV || errno == ENOENT))
			return 0;
		log_err("mount %s (%s, %s): %s", m->target, m->type, m->options, strerror(errno));
		return -1;
	}
	log_debug("mounted %s on %s (%s)", m->type, m->target, m->options);
	return 0;
}

static int write_string(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	int saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* One write per controller: the kernel rejects a whole line for one bad
 * word, and a missing controller must not cost the others. */
static int enable_cgroup_controllers(void)
{
	FILE *f = fopen("/sys/fs/cgroup/cgroup.controllers", "re");
	if (!f) {
		log_err("cgroup2: /sys/fs/cgroup/cgroup.controllers: %s", strerror(errno));
		return -1;
	}
	char line[512];
	if (!fgets(line, sizeof line, f))
		line[0] = '\0';
	fclose(f);
	int failures = 0;
	char *save = NULL;
	for (char *c = strtok_r(line, " \n", &save); c; c = strtok_r(NULL, " \n", &save)) {
		char word[64];
		snprintf(word, sizeof word, "+%s", c);
		if (write_string("/sys/fs/cgroup/cgroup.subtree_control", word) < 0) {
			log_warn("cgroup2: enable controller %s: %s", c, strerror(errno));
			failures++;
		}
	}
	return failures ? -1 : 0;
}

int mounts_phase(struct settings *settings)
{
	(void)settings;
	int failures = 0;
	for (size_t i = 0; i < sizeof api_mounts / sizeof *api_mounts; i++)
		if (mount_one(&api_mounts[i]) < 0)
			failures++;
	if (is_mount_point("/sys/fs/cgroup") && enable_cgroup_controllers() < 0)
		failures++;
	if (mount(NULL, "/", NULL, MS_REC | MS_SHARED, NULL) < 0) {
		log_err("make / shared: %s: container mounts will not propagate", strerror(errno));
		failures++;
	}
	return failures;
}

/* /var/tmp, world-writable and sticky, as in LinuxKit's /var (its init
 * image's), where configs bind it (LinuxKit's examples/addbinds.yml). */
static int var_dirs(void)
{
	if ((mkdir("/var/tmp", 01777) < 0 && errno != EEXIST) || chmod("/var/tmp", 01777) < 0) {
		log_err("mkdir /var/tmp: %s: binds of /var/tmp will fail", strerror(errno));
		return -1;
	}
	return 0;
}

int var_phase(struct settings *settings)
{
	const char *size = settings_get(settings, "var_size", VAR_SIZE_DEFAULT);
	char options[128];
	snprintf(options, sizeof options, "nosuid,nodev,mode=0755,size=%s", size);
	struct mount_spec var = {"tmpfs", "/var", "tmpfs", options, false};
	if (mount_one(&var) == 0)
		return var_dirs() < 0 ? 1 : 0;
	if (strcmp(size, VAR_SIZE_DEFAULT) == 0)
		return -1;
	log_err("var_size=%s: not a tmpfs size: use a percentage of RAM or bytes with k/m/g "
		"(25%%, 512m); using %s",
		size, VAR_SIZE_DEFAULT);
	snprintf(options, sizeof options, "nosuid,nodev,mode=0755,size=%s", VAR_SIZE_DEFAULT);
	if (mount_one(&var) < 0)
		return -1;
	var_dirs();
	return 1;
}

int readonly_phase(struct settings *settings)
{
	if (!settings_get_bool(settings, "readonly", true)) {
		log_warn("readonly=0: the root stays writable");
		return 0;
	}
	/* MS_BIND: change this mount only, never the superblock, which a
	 * test's namespace shares with its host. */
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0) {
		log_err("remount / read-only: %s", strerror(errno));
		return -1;
	}
	return 0;
}
