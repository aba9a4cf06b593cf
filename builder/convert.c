#include "builder/convert.h"

#include "builder/digest.h"
#include "builder/fsutil.h"
#include "builder/gpt.h"
#include "builder/tool.h"
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define VHD_FOOTER	    512
#define VHD_EPOCH	    946684800LL /* its dates count from 2000-01-01 */
#define VMDK_DESCRIPTOR_MAX 65536

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
	p[3] = (uint8_t)v;
}

/* A fixed VHD ends in a footer with a creation time and a random UUID:
 * make them the build's date and an ID derived from the disk's content. */
static int stamp_vhd(int fd, off_t size, int64_t epoch, const uint8_t id[16])
{
	uint8_t f[VHD_FOOTER];
	if (size < VHD_FOOTER || pread(fd, f, sizeof f, size - VHD_FOOTER) != VHD_FOOTER ||
	    memcmp(f, "conectix", 8) != 0)
		return -1;
	int64_t t = epoch - VHD_EPOCH;
	put_be32(f + 24, t < 0 ? 0 : t > UINT32_MAX ? UINT32_MAX : (uint32_t)t);
	memcpy(f + 68, id, 16);
	uint32_t sum = 0;
	memset(f + 64, 0, 4);
	for (size_t i = 0; i < sizeof f; i++)
		sum += f[i];
	put_be32(f + 64, ~sum);
	return pwrite(fd, f, sizeof f, size - VHD_FOOTER) == VHD_FOOTER ? 0 : -1;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* A VMDK's embedded descriptor holds a random content ID, "CID=%x", as
 * few digits as it takes: the descriptor is rewritten with the derived
 * one, in the NUL-padded area the sparse header gives it. */
static int stamp_vmdk(int fd, const uint8_t id[16])
{
	uint8_t head[512];
	if (pread(fd, head, sizeof head, 0) != (ssize_t)sizeof head || memcmp(head, "KDMV", 4) != 0)
		return -1;
	uint64_t offset = le64(head + 28) * 512, size = le64(head + 36) * 512;
	char old[VMDK_DESCRIPTOR_MAX + 1], new[VMDK_DESCRIPTOR_MAX + 1];
	if (size == 0 || size > VMDK_DESCRIPTOR_MAX ||
	    pread(fd, old, size, (off_t)offset) != (ssize_t)size)
		return -1;
	old[size] = '\0';
	char *cid = strstr(old, "\nCID="), *end = cid ? strchr(cid + 1, '\n') : NULL;
	if (!end)
		return -1;
	int n = snprintf(new, sizeof new, "%.*s\nCID=%02x%02x%02x%02x%s", (int)(cid - old), old,
			 id[0], id[1], id[2], id[3], end);
	if (n < 0 || (uint64_t)n > size)
		return -1;
	memset(new + n, 0, size - (uint64_t)n);
	return pwrite(fd, new, size, (off_t)offset) == (ssize_t)size ? 0 : -1;
}

static int stamp(const char *raw, const char *format, const char *out, int64_t epoch)
{
	bool vhd = strcmp(format, "vhd") == 0;
	if (!vhd && strcmp(format, "vmdk") != 0)
		return 0; /* qcow2 holds no dates or random IDs */
	char hex[DIGEST_HEX_LEN], seed[128];
	if (file_sha256(raw, hex) < 0) {
		log_err("%s: %s", raw, strerror(errno));
		return -1;
	}
	snprintf(seed, sizeof seed, "stele/%s/%s", format, hex);
	uint8_t id[16];
	guid_derive(seed, id);
	int fd = open(out, O_RDWR | O_CLOEXEC);
	struct stat st;
	int rc = fd < 0 || fstat(fd, &st) < 0 ? -1
		 : vhd			      ? stamp_vhd(fd, st.st_size, epoch, id)
					      : stamp_vmdk(fd, id);
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		log_err("%s: not the %s qemu-img writes; cannot fix its IDs", out, format);
	return rc;
}

int convert_disk(const char *work, const char *raw, const char *format, int64_t epoch,
		 const char *out)
{
	const char *qemu_format = strcmp(format, "vhd") == 0 ? "vpc" : format;
	const char *options = strcmp(format, "vhd") == 0    ? "subformat=fixed,force_size=on"
			      : strcmp(format, "vmdk") == 0 ? "subformat=streamOptimized"
							    : "compat=1.1";
	char log[PATH_MAX], what[64];
	snprintf(what, sizeof what, "converting to %s", format);
	if (path_join(log, sizeof log, work, "qemu-img.log") < 0)
		return -1;
	/* Straight to OUT: the VMDK descriptor records its file's name. */
	char *argv[] = {"/usr/bin/qemu-img",
			"convert",
			"-q",
			"-f",
			"raw",
			"-O",
			(char *)qemu_format,
			"-o",
			(char *)options,
			(char *)raw,
			(char *)out,
			NULL};
	if (tool_run(what, argv, log, 600) < 0 || stamp(raw, format, out, epoch) < 0) {
		unlink(out);
		return -1;
	}
	return 0;
}

int convert_gcp(const char *work, const char *dir, int64_t epoch, const char *out)
{
	char log[PATH_MAX], mtime[32];
	snprintf(mtime, sizeof mtime, "--mtime=@%lld", (long long)(epoch < 0 ? 0 : epoch));
	if (path_join(log, sizeof log, work, "tar.log") < 0)
		return -1;
	char *argv[] = {"/usr/bin/tar",
			"--format=oldgnu",
			"--sparse",
			mtime,
			"--owner=0",
			"--group=0",
			"--numeric-owner",
			"--use-compress-program=gzip -n",
			"-C",
			(char *)dir,
			"-cf",
			(char *)out,
			"disk.raw",
			NULL};
	if (tool_run("packing the GCP image", argv, log, 600) < 0) {
		unlink(out);
		return -1;
	}
	return 0;
}
