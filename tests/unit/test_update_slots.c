// sources: update/slots.c update/esp.c update/uki_check.c metadata/sandbox.c update/teststop.c
/* update: slot names in systemd-boot's boot-counting form, and the check
 * of an update file on crafted PE files: a stele UKI passes, in the
 * sandbox too; a truncated header, a section past the end, a missing
 * section or another OS's .osrel are refused with the reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "update/slots.h"
#include "update/uki_check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void names(void **state)
{
	(void)state;
	struct slot s;
	assert_int_equal(slot_parse_name("stele-a.efi", &s), 0);
	assert_true(s.letter == 'a' && s.state == SLOT_GOOD && s.tries_left == -1);
	assert_int_equal(slot_parse_name("stele-b+3.efi", &s), 0);
	assert_true(s.letter == 'b' && s.state == SLOT_TRYING && s.tries_left == 3 &&
		    s.tries_done == 0);
	assert_int_equal(slot_parse_name("STELE-B+2-1.EFI", &s), 0);
	assert_true(s.state == SLOT_TRYING && s.tries_left == 2 && s.tries_done == 1);
	assert_int_equal(slot_parse_name("stele-b+0-3.efi", &s), 0);
	assert_true(s.state == SLOT_BAD && s.tries_done == 3);
	const char *bad[] = {"stele-c.efi",  "stele-a.tmp", "stele-a+.efi",   "stele-a+1-.efi",
			     "stele-ab.efi", "other-a.efi", "stele-a+1x.efi", "stele-.efi"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(slot_parse_name(bad[i], &s), -1);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16),
	p[3] = (uint8_t)(v >> 24);
}

/* A PE with the named sections, each 64 bytes from 0x200; .osrel holds
 * osrel. Written to a temporary file; returns its fd. */
static int pe(const char *const *sections, size_t n, const char *osrel, size_t cut)
{
	static uint8_t b[4096];
	memset(b, 0, sizeof b);
	b[0] = 'M', b[1] = 'Z';
	put32(b + 0x3c, 64);
	memcpy(b + 64, "PE\0\0", 4);
	b[64 + 6] = (uint8_t)n;
	for (size_t i = 0; i < n; i++) {
		uint8_t *h = b + 64 + 24 + 40 * i;
		memcpy(h, sections[i], strlen(sections[i]));
		put32(h + 8, 64);
		put32(h + 16, 64);
		put32(h + 20, (uint32_t)(0x200 + 64 * i));
		if (!strcmp(sections[i], ".osrel"))
			memcpy(b + 0x200 + 64 * i, osrel, strlen(osrel));
	}
	char path[] = "/tmp/test-update-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	size_t len = cut ? cut : 0x200 + 64 * n;
	assert_int_equal(write(fd, b, len), (ssize_t)len);
	return fd;
}

static const char *const uki[] = {".osrel", ".cmdline", ".linux", ".initrd"};
static const char stele_osrel[] =
    "ID=stele\nIMAGE_ID=\"x\"\nVERSION_ID=\"1.2\"\nSTELE_BUILD=\"ab\"\n";

static void check_files(void **state)
{
	(void)state;
	struct uki_info info;
	int fd = pe(uki, 4, stele_osrel, 0);
	assert_int_equal(uki_parse_fd(fd, &info), 0);
	assert_string_equal(info.version, "1.2");
	assert_string_equal(info.build, "ab");
	assert_string_equal(info.name, "x");
	memset(&info, 0, sizeof info);
	assert_int_equal(uki_check_fd(fd, &info), 0); /* the same, sandboxed */
	assert_string_equal(info.version, "1.2");
	close(fd);

	fd = pe(uki, 4, stele_osrel, 100); /* the section table cut off */
	assert_int_equal(uki_check_fd(fd, &info), -1);
	assert_non_null(strstr(info.why, "section table past the end"));
	close(fd);

	fd = pe(uki, 4, stele_osrel, 0x200 + 64 * 3 + 10); /* the last section cut */
	assert_int_equal(uki_parse_fd(fd, &info), -1);
	assert_non_null(strstr(info.why, "a section past the end"));
	close(fd);

	fd = pe(uki + 1, 3, "", 0);
	assert_int_equal(uki_parse_fd(fd, &info), -1);
	assert_string_equal(info.why, "not a UKI (no .osrel section)");
	close(fd);

	fd = pe(uki, 4, "ID=debian\nVERSION_ID=12\n", 0);
	assert_int_equal(uki_parse_fd(fd, &info), -1);
	assert_non_null(strstr(info.why, "ID=stele"));
	close(fd);

	fd = pe(uki, 4, "ID=stele\n", 0);
	assert_int_equal(uki_parse_fd(fd, &info), -1);
	assert_non_null(strstr(info.why, "VERSION_ID"));
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(names),
	    cmocka_unit_test(check_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
