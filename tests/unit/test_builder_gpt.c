// sources: builder/gpt.c
/* gpt: GUID text to on-disk bytes, derived GUIDs (stable, version 8),
 * and a written table that a reader accepts: protective MBR, primary and
 * backup headers with valid CRCs, the backup at the last sector. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "builder/gpt.h"
#include "lib/log.h"

#define DISK (4u * 1024 * 1024)

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void test_parse(void **state)
{
	static const uint8_t esp[16] = {0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
					0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b};
	uint8_t g[16];
	assert_int_equal(guid_parse(GPT_TYPE_ESP, g), 0);
	assert_memory_equal(g, esp, 16);
	assert_int_equal(guid_parse("C12A7328-F81F-11D2-BA4B-00A0C93EC93", g), -1);
	assert_int_equal(guid_parse("C12A7328-F81F-11D2-BA4B-00A0C93EC93X", g), -1);
}

static void test_derive(void **state)
{
	uint8_t a[16], b[16], c[16];
	guid_derive("stele/x/raw-efi/disk", a);
	guid_derive("stele/x/raw-efi/disk", b);
	guid_derive("stele/x/raw-efi/partition", c);
	assert_memory_equal(a, b, 16);
	assert_memory_not_equal(a, c, 16);
	assert_int_equal(a[7] >> 4, 8);	     /* version, high nibble of the third group */
	assert_int_equal(a[8] & 0xc0, 0x80); /* variant 10 */
}

/* Write a one-partition disk into a temporary file; return its bytes. */
static uint8_t *written(const struct gpt_disk *d, int *rc)
{
	char path[] = "/tmp/test_builder_gpt.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, DISK), 0);
	*rc = gpt_write(path, d);
	uint8_t *buf = malloc(DISK);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, DISK, 0), DISK);
	close(fd);
	unlink(path);
	return buf;
}

static void check_header(const uint8_t *h, uint64_t self, uint64_t other, uint64_t table,
			 const uint8_t *entries)
{
	assert_memory_equal(h, "EFI PART", 8);
	uint8_t copy[92];
	memcpy(copy, h, 92);
	memset(copy + 16, 0, 4);
	assert_int_equal(le32(h + 16), (uint32_t)crc32(0, copy, 92));
	assert_int_equal(le64(h + 24), self);
	assert_int_equal(le64(h + 32), other);
	assert_int_equal(le64(h + 40), 34);
	assert_int_equal(le64(h + 48), DISK / 512 - 34);
	assert_int_equal(le64(h + 72), table);
	assert_int_equal(le32(h + 88), (uint32_t)crc32(0, entries, 128 * 128));
}

static void test_write(void **state)
{
	uint8_t code[440];
	memset(code, 0x90, sizeof code);
	struct gpt_partition p = {
	    .first_lba = 2048, .last_lba = 4095, .attributes = GPT_ATTR_LEGACY_BOOT, .name = "ESP"};
	guid_parse(GPT_TYPE_ESP, p.type);
	guid_derive("p", p.guid);
	struct gpt_disk d = {
	    .bytes = DISK, .parts = &p, .nparts = 1, .boot_code = code, .active = true};
	guid_derive("d", d.guid);
	int rc;
	uint8_t *buf = written(&d, &rc);
	assert_int_equal(rc, 0);
	uint64_t last = DISK / 512 - 1;
	/* Protective MBR: boot code kept, one 0xEE entry from LBA 1. */
	assert_memory_equal(buf, code, 440);
	assert_int_equal(buf[446], 0x80);
	assert_int_equal(buf[450], 0xee);
	assert_int_equal(le32(buf + 454), 1);
	assert_int_equal(le32(buf + 458), last);
	assert_int_equal(buf[510], 0x55);
	assert_int_equal(buf[511], 0xaa);
	const uint8_t *entries = buf + 2 * 512;
	check_header(buf + 512, 1, last, 2, entries);
	check_header(buf + last * 512, last, 1, last - 32, buf + (last - 32) * 512);
	assert_memory_equal(entries, buf + (last - 32) * 512, 128 * 128);
	assert_memory_equal(entries, p.type, 16);
	assert_memory_equal(entries + 16, p.guid, 16);
	assert_int_equal(le64(entries + 32), 2048);
	assert_int_equal(le64(entries + 40), 4095);
	assert_int_equal(le64(entries + 48), GPT_ATTR_LEGACY_BOOT);
	assert_memory_equal(entries + 56, "E\0S\0P\0\0", 8);
	free(buf);
}

static void test_refuses_overlap(void **state)
{
	struct gpt_partition p = {.first_lba = 2048, .last_lba = DISK / 512 - 33};
	struct gpt_disk d = {.bytes = DISK, .parts = &p, .nparts = 1};
	int rc;
	free(written(&d, &rc));
	assert_int_equal(rc, -1);
}

int main(void)
{
	log_init_host("stele");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_derive),
	    cmocka_unit_test(test_write),
	    cmocka_unit_test(test_refuses_overlap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
