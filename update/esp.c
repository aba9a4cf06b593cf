#include "update/esp.h"

#include "lib/partnames.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/vfs.h>
#include <unistd.h>

#define EFIVARS		 "/sys/firmware/efi/efivars"
#define EFIVARFS_MAGIC_N 0xde5e81e4
#define MSDOS_MAGIC_N	 0x4d44
#define LOADER_GUID	 "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"

static int fs_is(const char *path, long magic)
{
	struct statfs sf;
	return statfs(path, &sf) == 0 && (long)sf.f_type == magic;
}

/* The /dev name of the partition named PARTNAME_ESP, from its uevent. */
static int find_esp(char *dev, size_t len)
{
	DIR *d = opendir("/sys/class/block");
	if (!d)
		return -1;
	int rc = -1;
	for (struct dirent *e; rc < 0 && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char path[PATH_MAX], buf[1024];
		snprintf(path, sizeof path, "/sys/class/block/%s/uevent", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		if (strstr(buf, "\nPARTNAME=" PARTNAME_ESP "\n") ||
		    !strncmp(buf, "PARTNAME=" PARTNAME_ESP "\n",
			     strlen("PARTNAME=" PARTNAME_ESP "\n"))) {
			snprintf(dev, len, "/dev/%s", e->d_name);
			rc = 0;
		}
	}
	closedir(d);
	return rc;
}

int esp_mount(char *err, size_t errlen)
{
	err[0] = '\0';
	if (fs_is(ESP_MOUNT, MSDOS_MAGIC_N))
		return 0;
	char dev[300];
	if (find_esp(dev, sizeof dev) < 0) {
		snprintf(err, errlen,
			 "no partition named " PARTNAME_ESP
			 ": updates need a host booted from a raw-efi "
			 "disk whose driver (virtio_blk, nvme, ...) is in kernel.modules");
		return -1;
	}
	mkdir("/run/stele", 0755);
	if (mkdir(ESP_MOUNT, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", ESP_MOUNT, strerror(errno));
		return -1;
	}
	/* dirsync: vfat's rename then writes the new entry, the file's first
	 * cluster and size in it, and the removal of the old one, each on
	 * disk before the next, so that a power cut never leaves the
	 * renamed file empty with its clusters lost (slots.h). */
	if (mount(dev, ESP_MOUNT, "vfat", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_DIRSYNC, "") < 0) {
		snprintf(err, errlen,
			 "mounting the ESP %s: %s (the image needs the vfat, nls_cp437 and "
			 "nls_ascii modules)",
			 dev, strerror(errno));
		return -1;
	}
	return 0;
}

static int efivars_ready(void)
{
	if (fs_is(EFIVARS, EFIVARFS_MAGIC_N))
		return 0;
	if (access("/sys/firmware/efi", F_OK) < 0)
		return -1;
	return mount("efivarfs", EFIVARS, "efivarfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "");
}

int efivar_read(const char *name, char *out, size_t len)
{
	out[0] = '\0';
	if (efivars_ready() < 0)
		return access("/sys/firmware/efi", F_OK) == 0 ? -2 : -1;
	char path[PATH_MAX];
	snprintf(path, sizeof path, EFIVARS "/%s-" LOADER_GUID, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	uint8_t buf[4 + 1024];
	ssize_t n = read(fd, buf, sizeof buf);
	close(fd);
	if (n < 4)
		return -1;
	/* 4 bytes of attributes, then UTF-16LE; anything past ASCII is '?'. */
	size_t o = 0;
	for (ssize_t i = 4; i + 1 < n && o + 1 < len; i += 2) {
		uint16_t c = (uint16_t)(buf[i] | buf[i + 1] << 8);
		if (c == 0)
			break;
		out[o++] = c < 0x80 ? (char)c : '?';
	}
	out[o] = '\0';
	return 0;
}
