/* gpt: a GUID partition table (protective MBR, primary and backup GPT)
 * written into a disk image file by libfdisk, and the GUIDs it holds.
 *
 * Contract: gpt_write() writes LBA 0-33 and the last 33 sectors of a
 * disk of `disk_bytes` (512-byte sectors, 128 entries) and nothing else;
 * boot_code, when given, is the MBR's first 440 bytes (libfdisk keeps
 * them), and `active` sets the protective entry's boot flag;
 * partitions must lie between LBA 34 and the backup entries. The same
 * arguments give the same bytes: GUIDs are the caller's, derived with
 * guid_derive() from names and content rather than drawn at random.
 * Returns 0, or -1 after one line naming the file. */
#ifndef STELE_BUILDER_GPT_H
#define STELE_BUILDER_GPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GPT_SECTOR	     512u
#define GPT_ENTRIES	     128u
#define GPT_ENTRY_SIZE	     128u
#define GPT_TABLE_SECTORS    (GPT_ENTRIES * GPT_ENTRY_SIZE / GPT_SECTOR)
#define GPT_ATTR_LEGACY_BOOT (1ull << 2) /* BIOS boot loaders look for it (gptmbr.bin) */

/* Partition type GUIDs, as text. */
#define GPT_TYPE_ESP	  "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
#define GPT_TYPE_XBOOTLDR "BC13C2FF-59E6-4262-A352-B275FD6F7172" /* Linux extended boot */

struct gpt_partition {
	uint8_t type[16]; /* on-disk (mixed-endian) byte order */
	uint8_t guid[16];
	uint64_t first_lba, last_lba; /* inclusive */
	uint64_t attributes;
	const char *name; /* ASCII, at most 36 characters */
};

struct gpt_disk {
	uint64_t bytes; /* a multiple of GPT_SECTOR */
	uint8_t guid[16];
	const struct gpt_partition *parts;
	size_t nparts;
	const uint8_t *boot_code; /* 440 bytes for the MBR, or NULL */
	bool active;		  /* mark the protective MBR entry bootable (old BIOSes want it) */
};

int gpt_write(const char *path, const struct gpt_disk *d);

/* "C12A7328-F81F-11D2-BA4B-00A0C93EC93B" to on-disk bytes; -1 when malformed. */
int guid_parse(const char *text, uint8_t out[16]);

/* A name-based GUID (RFC 9562 version 8, from SHA-256 of seed), so a
 * rebuild gives the same GUIDs and different images different ones. */
void guid_derive(const char *seed, uint8_t out[16]);

#endif
