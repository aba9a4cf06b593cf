#include "builder/gpt.h"

#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define HEADER_SIZE 92u

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

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

static void protective_mbr(const struct gpt_disk *d, uint8_t mbr[GPT_SECTOR])
{
	memset(mbr, 0, GPT_SECTOR);
	if (d->boot_code)
		memcpy(mbr, d->boot_code, 440);
	uint8_t *e = mbr + 446;
	uint64_t sectors = d->bytes / GPT_SECTOR - 1;
	e[0] = d->active ? 0x80 : 0x00;
	e[1] = 0x00, e[2] = 0x02, e[3] = 0x00; /* CHS of LBA 1 */
	e[4] = 0xee;
	e[5] = e[6] = e[7] = 0xff;
	put32(e + 8, 1);
	put32(e + 12, sectors > 0xffffffffu ? 0xffffffffu : (uint32_t)sectors);
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
}

static void entries(const struct gpt_disk *d, uint8_t *table)
{
	memset(table, 0, GPT_ENTRIES * GPT_ENTRY_SIZE);
	for (size_t i = 0; i < d->nparts; i++) {
		const struct gpt_partition *p = &d->parts[i];
		uint8_t *e = table + i * GPT_ENTRY_SIZE;
		memcpy(e, p->type, 16);
		memcpy(e + 16, p->guid, 16);
		put64(e + 32, p->first_lba);
		put64(e + 40, p->last_lba);
		put64(e + 48, p->attributes);
		for (size_t c = 0; p->name && p->name[c] && c < 36; c++)
			put16(e + 56 + 2 * c, (uint8_t)p->name[c]);
	}
}

static void header(const struct gpt_disk *d, const uint8_t *table, bool backup,
		   uint8_t h[GPT_SECTOR])
{
	uint64_t last = d->bytes / GPT_SECTOR - 1;
	memset(h, 0, GPT_SECTOR);
	memcpy(h, "EFI PART", 8);
	put32(h + 8, 0x00010000);
	put32(h + 12, HEADER_SIZE);
	put64(h + 24, backup ? last : 1);
	put64(h + 32, backup ? 1 : last);
	put64(h + 40, 2 + GPT_TABLE_SECTORS);
	put64(h + 48, last - 1 - GPT_TABLE_SECTORS);
	memcpy(h + 56, d->guid, 16);
	put64(h + 72, backup ? last - GPT_TABLE_SECTORS : 2);
	put32(h + 80, GPT_ENTRIES);
	put32(h + 84, GPT_ENTRY_SIZE);
	put32(h + 88, (uint32_t)crc32(0, table, GPT_ENTRIES * GPT_ENTRY_SIZE));
	put32(h + 16, (uint32_t)crc32(0, h, HEADER_SIZE));
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

static int write_at(int fd, const void *buf, size_t len, uint64_t sector)
{
	return pwrite(fd, buf, len, (off_t)(sector * GPT_SECTOR)) == (ssize_t)len ? 0 : -1;
}

int gpt_write(const char *path, const struct gpt_disk *d)
{
	if (!fits(d)) {
		log_err("%s: the partitions do not fit the disk", path);
		return -1;
	}
	static uint8_t table[GPT_ENTRIES * GPT_ENTRY_SIZE];
	uint8_t mbr[GPT_SECTOR], primary[GPT_SECTOR], backup[GPT_SECTOR];
	uint64_t last = d->bytes / GPT_SECTOR - 1;
	protective_mbr(d, mbr);
	entries(d, table);
	header(d, table, false, primary);
	header(d, table, true, backup);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int rc = fd < 0 ? -1 : 0;
	if (rc == 0)
		rc = write_at(fd, mbr, sizeof mbr, 0) | write_at(fd, primary, sizeof primary, 1) |
		     write_at(fd, table, sizeof table, 2) |
		     write_at(fd, table, sizeof table, last - GPT_TABLE_SECTORS) |
		     write_at(fd, backup, sizeof backup, last);
	if (fd >= 0 && close(fd) < 0)
		rc = -1;
	if (rc < 0)
		log_err("%s: cannot write the partition table: %s", path, strerror(errno));
	return rc;
}
