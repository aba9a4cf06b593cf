#include "builder/pe.h"

#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PE_MACHINE_X86_64  0x8664
#define PE_OPT_MAGIC_PE32P 0x20b
#define PE_SECTION_SIZE	   40

/* Offsets from the PE signature. */
#define COFF_SECTIONS  6
#define COFF_TIMESTAMP 8
#define COFF_OPT_SIZE  20
#define OPT	       24
#define OPT_IMAGE_BASE (OPT + 24)
#define OPT_CHECKSUM   (OPT + 64)

struct pe_headers {
	uint8_t buf[4096];
	size_t len;
	uint32_t pe; /* offset of "PE\0\0" */
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Read the first 4 KiB and find the PE header; -1 (no message) when
 * the file has none. */
static int read_headers(int fd, struct pe_headers *h)
{
	ssize_t n = pread(fd, h->buf, sizeof h->buf, 0);
	if (n < 0x40)
		return -1;
	h->len = (size_t)n;
	if (h->buf[0] != 'M' || h->buf[1] != 'Z')
		return -1;
	h->pe = le32(h->buf + 0x3c);
	if ((uint64_t)h->pe + OPT + 112 > h->len || memcmp(h->buf + h->pe, "PE\0\0", 4) != 0)
		return -1;
	if (le16(h->buf + h->pe + 4) != PE_MACHINE_X86_64 ||
	    le16(h->buf + h->pe + OPT) != PE_OPT_MAGIC_PE32P)
		return -1;
	return 0;
}

static int open_headers(const char *path, int flags, struct pe_headers *h)
{
	int fd = open(path, flags | O_CLOEXEC);
	if (fd < 0) {
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	if (read_headers(fd, h) < 0) {
		log_err("%s: not an x86-64 EFI executable (no PE32+ header)", path);
		close(fd);
		return -1;
	}
	return fd;
}

int pe_check_efi_kernel(const char *path, const char *need)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_err("kernel %s: %s", path, strerror(errno));
		return -1;
	}
	struct pe_headers h;
	bool efi = read_headers(fd, &h) == 0;
	close(fd);
	if (!efi) {
		log_err("kernel %s has no EFI stub (no PE header): %s needs a kernel built "
			"with CONFIG_EFI_STUB=y",
			path, need);
		return -1;
	}
	if (h.len < 0x206 || memcmp(h.buf + 0x202, "HdrS", 4) != 0) {
		log_err("kernel %s is an EFI program but not a Linux bzImage (no \"HdrS\"); "
			"set kernel.path to a vmlinuz",
			path);
		return -1;
	}
	return 0;
}

int pe_image_end(const char *path, uint64_t align, uint64_t *end)
{
	struct pe_headers h;
	int fd = open_headers(path, O_RDONLY, &h);
	if (fd < 0)
		return -1;
	close(fd);
	const uint8_t *p = h.buf + h.pe;
	unsigned sections = le16(p + COFF_SECTIONS);
	size_t table = h.pe + OPT + le16(p + COFF_OPT_SIZE);
	if (table + (size_t)sections * PE_SECTION_SIZE > h.len) {
		log_err("%s: section table beyond the first 4 KiB", path);
		return -1;
	}
	uint64_t last = 0;
	for (unsigned i = 0; i < sections; i++) {
		const uint8_t *s = h.buf + table + (size_t)i * PE_SECTION_SIZE;
		uint64_t top = (uint64_t)le32(s + 12) + le32(s + 8);
		if (top > last)
			last = top;
	}
	*end = le64(p + OPT_IMAGE_BASE) + ((last + align - 1) & ~(align - 1));
	return 0;
}

/* The PE checksum: 16-bit one's-complement-style sum of the file with
 * the CheckSum field taken as zero, plus the file's length. */
static int checksum(int fd, uint64_t field, uint32_t *out)
{
	uint8_t buf[1 << 16];
	uint64_t sum = 0, off = 0;
	ssize_t n;
	while ((n = pread(fd, buf, sizeof buf, (off_t)off)) > 0) {
		if (n & 1)
			buf[n++] = 0; /* only the last read is odd: the file's end */
		for (ssize_t i = 0; i < n; i += 2) {
			uint64_t at = off + (uint64_t)i;
			if (at >= field && at < field + 4)
				continue;
			sum += le16(buf + i);
			sum = (sum & 0xffff) + (sum >> 16);
		}
		off += (uint64_t)n;
	}
	if (n < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -1;
	sum = (sum & 0xffff) + (sum >> 16);
	*out = (uint32_t)(sum + (uint64_t)st.st_size);
	return 0;
}

static int put32(int fd, uint64_t off, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	return pwrite(fd, b, 4, (off_t)off) == 4 ? 0 : -1;
}

int pe_set_timestamp(const char *path, uint32_t stamp)
{
	struct pe_headers h;
	int fd = open_headers(path, O_RDWR, &h);
	if (fd < 0)
		return -1;
	uint32_t sum = 0;
	int rc = put32(fd, h.pe + COFF_TIMESTAMP, stamp);
	if (rc == 0)
		rc = checksum(fd, h.pe + OPT_CHECKSUM, &sum);
	if (rc == 0)
		rc = put32(fd, h.pe + OPT_CHECKSUM, sum);
	if (rc < 0)
		log_err("%s: cannot set its PE timestamp: %s", path, strerror(errno));
	close(fd);
	return rc;
}
