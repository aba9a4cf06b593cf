/* state_probe: what one device holds. Runs in the probe child (or in a
 * unit test on an image file); nothing here writes to the device. */
#include "state/probe.h"

#include <blkid/blkid.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIB (1024 * 1024ULL)

const char *state_probe_verdict_name(enum probe_verdict verdict)
{
	static const char *const names[] = {
	    [PROBE_BLANK] = "blank",
	    [PROBE_FILESYSTEM] = "filesystem",
	    [PROBE_BOOT_SPACE] = "boot-disk-space",
	    [PROBE_NOT_BLANK] = "not-blank",
	    [PROBE_AMBIVALENT] = "ambivalent",
	    [PROBE_READ_ERROR] = "read-error",
	    [PROBE_NOT_FOUND] = "not-found",
	    [PROBE_ERROR] = "error",
	    [PROBE_CRASHED] = "crashed",
	};
	if ((unsigned)verdict < sizeof names / sizeof *names && names[verdict])
		return names[verdict];
	return "unknown";
}

__attribute__((format(printf, 3, 4))) static void
verdict(struct probe_result *r, enum probe_verdict v, const char *fmt, ...)
{
	r->verdict = v;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof r->reason, fmt, ap);
	va_end(ap);
}

static int device_size(int fd, uint64_t *bytes)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -1;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, bytes);
	if (S_ISREG(st.st_mode)) {
		*bytes = (uint64_t)st.st_size;
		return 0;
	}
	errno = ENOTBLK;
	return -1;
}

static bool all_zero(const unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i])
			return false;
	return true;
}

/* 1: [off, off+len) reads as zeros; 0: it holds data; -1: a read failed,
 * *bad_off says where (a short read counts as EIO: the device shrank). */
static int range_is_zero(int fd, uint64_t off, uint64_t len, uint64_t *bad_off)
{
	static unsigned char buf[64 * 1024];
	int zero = 1;
	while (len > 0) {
		size_t want = len < sizeof buf ? (size_t)len : sizeof buf;
		ssize_t n = pread(fd, buf, want, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			*bad_off = off;
			return -1;
		}
		if (zero && !all_zero(buf, (size_t)n))
			zero = 0; /* keep reading: a read error still wins */
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return zero;
}

static void copy_value(blkid_probe pr, const char *name, char *out, size_t len)
{
	const char *value = NULL;
	if (blkid_probe_lookup_value(pr, name, &value, NULL) == 0 && value)
		snprintf(out, len, "%s", value);
}

static blkid_probe new_probe(int fd, uint64_t off, uint64_t len)
{
	blkid_probe pr = blkid_new_probe();
	if (!pr)
		return NULL;
	if (blkid_probe_set_device(pr, fd, (blkid_loff_t)off, (blkid_loff_t)len) != 0) {
		blkid_free_probe(pr);
		return NULL;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID |
						  BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE |
						  BLKID_SUBLKS_BADCSUM);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC);
	return pr;
}

/* After an ambivalent safe probe: walk every signature (as wipefs does)
 * so that the message names them all. */
static void name_signatures(int fd, uint64_t off, uint64_t size, char *out, size_t len)
{
	out[0] = '\0';
	blkid_probe pr = new_probe(fd, off, size);
	if (!pr)
		return;
	size_t used = 0;
	for (int i = 0; i < 8 && blkid_do_probe(pr) == 0; i++) {
		char type[32] = "";
		copy_value(pr, "TYPE", type, sizeof type);
		if (!type[0])
			copy_value(pr, "PTTYPE", type, sizeof type);
		if (!type[0] || strstr(out, type))
			continue;
		int n = snprintf(out + used, len - used, "%s%s", used ? " and " : "", type);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	blkid_free_probe(pr);
}

/* Size of an ext2/3/4 filesystem from its superblock, 0 when unknown:
 * the grow step compares it with the device. */
static uint64_t ext_fs_bytes(int fd, uint64_t off)
{
	unsigned char sb[1024];
	if (pread(fd, sb, sizeof sb, (off_t)(off + 1024)) != (ssize_t)sizeof sb)
		return 0;
	uint32_t blocks_lo, log_block, incompat, blocks_hi = 0;
	memcpy(&blocks_lo, sb + 0x04, 4);
	memcpy(&log_block, sb + 0x18, 4);
	memcpy(&incompat, sb + 0x60, 4);
	if (le32toh(incompat) & 0x80) /* INCOMPAT_64BIT */
		memcpy(&blocks_hi, sb + 0x150, 4);
	log_block = le32toh(log_block);
	if (log_block > 6)
		return 0;
	uint64_t blocks = ((uint64_t)le32toh(blocks_hi) << 32) | le32toh(blocks_lo);
	return blocks << (10 + log_block);
}

static void found_one(int fd, uint64_t off, blkid_probe pr, struct probe_result *r)
{
	char pttype[32] = "", usage[32] = "";
	copy_value(pr, "TYPE", r->type, sizeof r->type);
	copy_value(pr, "PTTYPE", pttype, sizeof pttype);
	copy_value(pr, "USAGE", usage, sizeof usage);
	copy_value(pr, "LABEL", r->label, sizeof r->label);
	copy_value(pr, "UUID", r->uuid, sizeof r->uuid);
	if (r->type[0] && pttype[0])
		return verdict(r, PROBE_AMBIVALENT,
			       "ambivalent probe: %s filesystem and %s partition table", r->type,
			       pttype);
	if (pttype[0]) {
		snprintf(r->type, sizeof r->type, "%s", pttype);
		return verdict(r, PROBE_NOT_BLANK, "not blank: %s partition table", pttype);
	}
	if (strcmp(usage, "filesystem") != 0)
		return verdict(r, PROBE_NOT_BLANK, "not blank: %s signature (%s)", r->type,
			       usage[0] ? usage : "unknown use");
	if (!strncmp(r->type, "ext", 3))
		r->fs_bytes = ext_fs_bytes(fd, off);
	verdict(r, PROBE_FILESYSTEM, "%s filesystem, label '%s', UUID %s", r->type, r->label,
		r->uuid);
}

static void probe_signatures(int fd, uint64_t off, uint64_t len, struct probe_result *r,
			     const char *data_where)
{
	blkid_probe pr = new_probe(fd, off, len);
	if (!pr)
		return verdict(r, PROBE_ERROR, "libblkid cannot probe it: %s", strerror(errno));
	errno = 0;
	int rc = blkid_do_safeprobe(pr);
	if (rc == 0) {
		found_one(fd, off, pr, r);
	} else if (rc == 1 && !data_where) {
		verdict(r, PROBE_BLANK, "blank: no signature, first and last MiB are zeros");
	} else if (rc == 1) {
		verdict(r, PROBE_NOT_BLANK,
			"not blank: no known signature, but data in the %s (random bytes or an "
			"unknown format)",
			data_where);
	} else if (rc == -2) {
		char names[128];
		name_signatures(fd, off, len, names, sizeof names);
		verdict(r, PROBE_AMBIVALENT, "ambivalent probe: signatures of %s",
			names[0] ? names : "several formats");
	} else if (errno == EIO) {
		verdict(r, PROBE_READ_ERROR, "read error while probing signatures: %s",
			strerror(errno));
	} else {
		verdict(r, PROBE_ERROR, "libblkid probe failed: %s",
			errno ? strerror(errno) : "unknown error");
	}
	blkid_free_probe(pr);
}

void state_probe_range(int fd, uint64_t off, uint64_t len, struct probe_result *r)
{
	uint64_t span = len < MIB ? len : MIB, bad = 0;
	int head = range_is_zero(fd, off, span, &bad);
	int tail = head < 0 ? -1 : range_is_zero(fd, off + len - span, span, &bad);
	if (head < 0 || tail < 0)
		verdict(r, PROBE_READ_ERROR, "read error at byte %llu: %s", (unsigned long long)bad,
			strerror(errno));
	else
		/* Size 0: libblkid takes the whole device, as it always has. */
		probe_signatures(fd, off, off ? len : 0, r,
				 !head ? (!tail ? "first and last MiB" : "first MiB")
				       : (!tail ? "last MiB" : NULL));
}

void state_probe_device(const char *path, struct probe_result *r)
{
	memset(r, 0, sizeof *r);
	snprintf(r->device, sizeof r->device, "%s", path);
	/* O_NONBLOCK: an optical drive opens without a tray or media check. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return verdict(r, errno == EIO ? PROBE_READ_ERROR : PROBE_ERROR, "open: %s",
			       strerror(errno));
	if (device_size(fd, &r->dev_bytes) < 0) {
		verdict(r, PROBE_ERROR, "not a block device (%s)", strerror(errno));
	} else if (r->dev_bytes == 0) {
		verdict(r, PROBE_ERROR, "empty device (0 bytes)");
	} else {
		state_probe_range(fd, 0, r->dev_bytes, r);
	}
	close(fd);
}
