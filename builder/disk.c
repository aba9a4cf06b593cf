#include "builder/disk.h"

#include "builder/digest.h"
#include "builder/fsutil.h"
#include "builder/gpt.h"
#include "builder/tool.h"
#include "builder/vfat.h"
#include "lib/log.h"
#include "lib/partnames.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PART_START MIB
#define DISK_TAIL  MIB /* the backup GPT, kept MiB aligned */

/* The UKI's file in the ESP of raw-efi: slot A (update/README.md). The
 * ESP keeps room for slot B, an update as large as the image's UKI and
 * half again. */
#define UPDATE_SLOT_A "stele-a.efi"

struct layout {
	const char *format; /* "raw-efi", for names and errors */
	const char *type;   /* partition type GUID */
	const char *part_name;
	uint64_t attributes;
	const uint8_t *boot_code;
	uint64_t reserve; /* free bytes the file system keeps, for slot B */
	char seed[512];	  /* "stele/NAME/FORMAT/" and 16 hex digits of each file's SHA-256 */
};

void syslinux_config(const char *cmdline, char *out, size_t len)
{
	snprintf(out, len,
		 "DEFAULT stele\nPROMPT 0\nTIMEOUT 0\nLABEL stele\n  KERNEL /kernel\n  INITRD "
		 "/initrd.img\n  APPEND %s\n",
		 cmdline);
}

/* Seed the GUIDs with the name and a digest of what boots. */
static int seed_with(struct layout *l, const struct disk_input *in, const char *const *files)
{
	size_t n =
	    (size_t)snprintf(l->seed, sizeof l->seed, "stele/%.200s/%s/", in->name, l->format);
	for (const char *const *f = files; *f && n + 18 < sizeof l->seed; f++) {
		char hex[DIGEST_HEX_LEN];
		if (file_sha256(*f, hex) < 0) {
			log_err("%s: %s", *f, strerror(errno));
			return -1;
		}
		n += (size_t)snprintf(l->seed + n, sizeof l->seed - n, "%.16s/", hex);
	}
	return 0;
}

static void derive(const struct layout *l, const char *what, uint8_t out[16])
{
	char seed[sizeof l->seed + 16];
	snprintf(seed, sizeof seed, "%s%s", l->seed, what);
	guid_derive(seed, out);
}

static int disk_bytes(const struct disk_input *in, const struct layout *l, uint64_t part,
		      uint64_t *bytes)
{
	uint64_t content = PART_START + part + DISK_TAIL;
	uint64_t align = in->align ? in->align : MIB;
	if (in->size && in->size < content) {
		log_msg_as(LOG_ERR, "stele build",
			   "--size %s is too small for %s: its partitions need %llu "
			   "MiB; give --size %lluM or more, or leave --size out",
			   in->size_text ? in->size_text : "", in->format ? in->format : l->format,
			   (unsigned long long)(content / MIB),
			   (unsigned long long)(content / MIB));
		return -1;
	}
	uint64_t wanted = in->size > content ? in->size : content;
	*bytes = (wanted + align - 1) / align * align;
	return 0;
}

static int create_sparse(const char *path, uint64_t bytes)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || ftruncate(fd, (off_t)bytes) < 0 || close(fd) < 0) {
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* One partition at 1 MiB holding the files, in a GPT disk. */
static int assemble(const struct disk_input *in, const struct layout *l,
		    const struct vfat_file *files, size_t n, const char *out)
{
	uint64_t part, bytes;
	if (vfat_size(files, n, &part) < 0)
		return -1;
	part += (l->reserve + MIB - 1) / MIB * MIB;
	if (disk_bytes(in, l, part, &bytes) < 0 || create_sparse(out, bytes) < 0)
		return -1;
	struct gpt_partition p = {.first_lba = PART_START / GPT_SECTOR,
				  .last_lba = (PART_START + part) / GPT_SECTOR - 1,
				  .attributes = l->attributes,
				  .name = l->part_name};
	struct gpt_disk d = {.bytes = bytes,
			     .parts = &p,
			     .nparts = 1,
			     .boot_code = l->boot_code,
			     .active = l->boot_code != NULL};
	uint8_t fat_id[16];
	guid_parse(l->type, p.type);
	derive(l, "partition", p.guid);
	derive(l, "disk", d.guid);
	derive(l, "fat", fat_id);
	if (gpt_write(out, &d) < 0)
		return -1;
	struct vfat v = {.image = out,
			 .offset = PART_START,
			 .size = part,
			 .volume_id = (uint32_t)fat_id[0] << 24 | (uint32_t)fat_id[1] << 16 |
				      (uint32_t)fat_id[2] << 8 | fat_id[3],
			 .label = l->part_name,
			 .work = in->work,
			 .epoch = in->epoch};
	return vfat_write(&v, files, n);
}

int disk_write_efi(const struct disk_input *in, const char *uki, const char *systemd_boot,
		   const char *out)
{
	/* Slot A holds the image, blessed (no boot counter); slot B is empty
	 * until stelectl update fills it (update/README.md). */
	static const char conf_text[] =
	    "timeout 0\neditor no\nauto-entries no\nauto-firmware no\ndefault " UPDATE_SLOT_A "\n";
	char conf[PATH_MAX];
	if (path_join(conf, sizeof conf, in->work, "loader.conf") < 0 ||
	    write_file(conf, conf_text, strlen(conf_text), 0644) < 0)
		return -1;
	struct vfat_file files[] = {
	    {systemd_boot, "EFI/BOOT/BOOTX64.EFI"},
	    {systemd_boot, "EFI/systemd/systemd-bootx64.efi"},
	    {uki, "EFI/Linux/" UPDATE_SLOT_A},
	    {conf, "loader/loader.conf"},
	};
	struct stat st;
	if (stat(uki, &st) < 0) {
		log_err("%s: %s", uki, strerror(errno));
		return -1;
	}
	struct layout l = {.format = "raw-efi",
			   .type = GPT_TYPE_ESP,
			   .part_name = PARTNAME_ESP,
			   .reserve = (uint64_t)st.st_size * 3 / 2};
	const char *content[] = {uki, systemd_boot, NULL};
	if (seed_with(&l, in, content) < 0)
		return -1;
	return assemble(in, &l, files, sizeof files / sizeof files[0], out);
}

static int read_boot_code(uint8_t code[440])
{
	int fd = open(SYSLINUX_GPTMBR, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, code, 440);
	if (fd >= 0)
		close(fd);
	if (n != 440) {
		log_err("%s: cannot read 440 bytes of boot code", SYSLINUX_GPTMBR);
		return -1;
	}
	return 0;
}

int disk_write_bios(const struct disk_input *in, const char *kernel, const char *initrd,
		    const char *cmdline, const char *out)
{
	char conf[PATH_MAX], text[4096];
	syslinux_config(cmdline, text, sizeof text);
	if (path_join(conf, sizeof conf, in->work, "syslinux.cfg") < 0 ||
	    write_file(conf, text, strlen(text), 0644) < 0)
		return -1;
	struct vfat_file files[] = {
	    {kernel, "kernel"},
	    {initrd, "initrd.img"},
	    {conf, "syslinux.cfg"},
	    {SYSLINUX_LDLINUX, "ldlinux.c32"},
	};
	uint8_t code[440];
	if (read_boot_code(code) < 0)
		return -1;
	struct layout l = {.format = "raw-bios",
			   .type = GPT_TYPE_XBOOTLDR,
			   .part_name = PARTNAME_BOOT,
			   .attributes = GPT_ATTR_LEGACY_BOOT,
			   .boot_code = code};
	const char *content[] = {kernel, initrd, conf, NULL};
	if (seed_with(&l, in, content) < 0 ||
	    assemble(in, &l, files, sizeof files / sizeof files[0], out) < 0)
		return -1;
	/* syslinux writes its boot sector and ldlinux.sys through mtools. */
	char offset[32], log[PATH_MAX];
	snprintf(offset, sizeof offset, "%llu", (unsigned long long)PART_START);
	if (path_join(log, sizeof log, in->work, "syslinux.log") < 0)
		return -1;
	char *argv[] = {"/usr/bin/syslinux", "--install", "--offset", offset, (char *)out, NULL};
	return tool_run("installing syslinux", argv, log, 120);
}
