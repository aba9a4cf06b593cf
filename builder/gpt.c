#include "builder/gpt.h"

#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <libfdisk/libfdisk.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int guid_parse(const char *text, uint8_t out[16])
{
	/* The first three groups are stored little-endian, the rest as written. */
	static const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
	uint8_t bytes[16];
	int n = 0;
	for (const char *p = text; *p; p++) {
		if (*p == '-')
			continue;
		int hi = hex_value(p[0]), lo = p[1] ? hex_value(p[1]) : -1;
		if (hi < 0 || lo < 0 || n == 16)
			return -1;
		bytes[n++] = (uint8_t)(hi << 4 | lo);
		p++;
	}
	if (n != 16 || strlen(text) != 36)
		return -1;
	for (int i = 0; i < 16; i++)
		out[i] = bytes[order[i]];
	return 0;
}

void guid_derive(const char *seed, uint8_t out[16])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_Digest(seed, strlen(seed), md, &len, EVP_sha256(), NULL);
	memcpy(out, md, 16);
	/* Version 8 in the high nibble of the third group (stored
	 * little-endian: byte 7), variant 10 in byte 8. */
	out[7] = (uint8_t)((out[7] & 0x0f) | 0x80);
	out[8] = (uint8_t)((out[8] & 0x3f) | 0x80);
}

/* On-disk bytes to "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", as libfdisk
 * takes GUIDs. */
static void guid_format(const uint8_t in[16], char out[37])
{
	static const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
	size_t n = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[n++] = '-';
		n += (size_t)snprintf(out + n, 37 - n, "%02X", in[order[i]]);
	}
	out[36] = '\0';
}

static bool fits(const struct gpt_disk *d)
{
	uint64_t sectors = d->bytes / GPT_SECTOR;
	if (d->bytes % GPT_SECTOR || sectors < 2 * (2 + GPT_TABLE_SECTORS) ||
	    d->nparts > GPT_ENTRIES)
		return false;
	for (size_t i = 0; i < d->nparts; i++)
		if (d->parts[i].first_lba < 2 + GPT_TABLE_SECTORS ||
		    d->parts[i].last_lba < d->parts[i].first_lba ||
		    d->parts[i].last_lba > sectors - 2 - GPT_TABLE_SECTORS)
			return false;
	return true;
}

/* One partition as libfdisk's: every field given, nothing left to its
 * defaults or to chance (libuuid would draw the GUID). */
static int add_partition(struct fdisk_context *cxt, size_t n, const struct gpt_partition *p)
{
	char type_text[37], guid_text[37];
	guid_format(p->type, type_text);
	guid_format(p->guid, guid_text);
	struct fdisk_partition *pa = fdisk_new_partition();
	struct fdisk_parttype *type =
	    fdisk_label_parse_parttype(fdisk_get_label(cxt, NULL), type_text);
	int rc = pa && type && fdisk_partition_set_partno(pa, n) == 0 &&
			 fdisk_partition_set_start(pa, p->first_lba) == 0 &&
			 fdisk_partition_set_size(pa, p->last_lba - p->first_lba + 1) == 0 &&
			 fdisk_partition_size_explicit(pa, 1) == 0 &&
			 fdisk_partition_set_type(pa, type) == 0 &&
			 fdisk_partition_set_uuid(pa, guid_text) == 0 &&
			 fdisk_partition_set_name(pa, p->name ? p->name : "") == 0 &&
			 (!(p->attributes & GPT_ATTR_LEGACY_BOOT) ||
			  fdisk_partition_set_attrs(pa, "LegacyBIOSBootable") == 0) &&
			 fdisk_add_partition(cxt, pa, NULL) == 0
		     ? 0
		     : -1;
	fdisk_unref_parttype(type);
	fdisk_unref_partition(pa);
	return rc;
}

/* libfdisk keeps the first 440 bytes (boot code) when asked; the
 * protective MBR entry's boot flag, which old BIOSes want, is ours. */
static int boot_sector(int fd, const struct gpt_disk *d, bool after)
{
	if (!after)
		return d->boot_code ? (pwrite(fd, d->boot_code, 440, 0) == 440 ? 0 : -1) : 0;
	static const uint8_t active = 0x80;
	return d->active ? (pwrite(fd, &active, 1, 446) == 1 ? 0 : -1) : 0;
}

static int write_label(int fd, const char *path, const struct gpt_disk *d)
{
	char disk_text[37];
	guid_format(d->guid, disk_text);
	struct fdisk_context *cxt = fdisk_new_context();
	int rc = cxt && fdisk_assign_device_by_fd(cxt, fd, path, 0) == 0 &&
			 fdisk_enable_bootbits_protection(cxt, 1) == 0 &&
			 fdisk_create_disklabel(cxt, "gpt") == 0 &&
			 fdisk_set_disklabel_id_from_string(cxt, disk_text) == 0
		     ? 0
		     : -1;
	for (size_t i = 0; rc == 0 && i < d->nparts; i++)
		rc = add_partition(cxt, i, &d->parts[i]);
	if (rc == 0)
		rc = fdisk_write_disklabel(cxt) == 0 ? 0 : -1;
	if (cxt) {
		fdisk_deassign_device(cxt, 1);
		fdisk_unref_context(cxt);
	}
	return rc;
}

int gpt_write(const char *path, const struct gpt_disk *d)
{
	if (!fits(d)) {
		log_err("%s: the partitions do not fit the disk", path);
		return -1;
	}
	int fd = open(path, O_RDWR | O_CLOEXEC);
	errno = 0;
	int rc = fd < 0 || boot_sector(fd, d, false) < 0 || write_label(fd, path, d) < 0 ||
			 boot_sector(fd, d, true) < 0
		     ? -1
		     : 0;
	int saved = errno;
	if (fd >= 0 && close(fd) < 0 && rc == 0)
		rc = -1, saved = errno;
	if (rc < 0)
		log_err("%s: cannot write the partition table%s%s", path,
			saved ? ": " : " (libfdisk refused it)", saved ? strerror(saved) : "");
	return rc;
}
