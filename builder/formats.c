#include "builder/formats.h"

#include "builder/convert.h"
#include "builder/disk.h"
#include "builder/fsutil.h"
#include "builder/iso.h"
#include "builder/pe.h"
#include "builder/tool.h"
#include "builder/uki.h"
#include "builder/vfat.h"
#include "lib/log.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GIB (1024ull * MIB)

#define MKFS_VFAT "/sbin/mkfs.vfat"
#define MCOPY	  "/usr/bin/mcopy"
#define QEMU_IMG  "/usr/bin/qemu-img"

struct format_info {
	const char *name;
	const char *outputs[4];
	unsigned needs; /* formats it is made from */
	bool disk;	/* takes --size */
	struct tool tools[8];
};

static const struct format_info formats[FORMAT_COUNT] = {
    [FORMAT_KERNEL_INITRD] =
	{"kernel+initrd", {"-kernel", "-initrd.img", "-cmdline"}, 0, false, {{0}}},
    [FORMAT_ISO] = {"iso",
		    {".iso"},
		    FORMAT_BIT(FORMAT_UKI),
		    false,
		    {{"/usr/bin/xorriso", "xorriso"},
		     {ISOLINUX_BIN, "isolinux"},
		     {ISOHDPFX_BIN, "isolinux"},
		     {SYSLINUX_LDLINUX, "syslinux-common"},
		     {MKFS_VFAT, "dosfstools"},
		     {MCOPY, "mtools"}}},
    [FORMAT_UKI] = {"uki",
		    {".efi"},
		    0,
		    false,
		    {{"/usr/bin/objcopy", "binutils"}, {UKI_STUB, "systemd-boot-efi"}}},
    [FORMAT_RAW_EFI] = {"raw-efi",
			{"-efi.img"},
			FORMAT_BIT(FORMAT_UKI),
			true,
			{{SYSTEMD_BOOT_EFI, "systemd-boot-efi"},
			 {MKFS_VFAT, "dosfstools"},
			 {MCOPY, "mtools"}}},
    [FORMAT_RAW_BIOS] = {"raw-bios",
			 {"-bios.img"},
			 0,
			 true,
			 {{"/usr/bin/syslinux", "syslinux"},
			  {SYSLINUX_GPTMBR, "syslinux-common"},
			  {SYSLINUX_LDLINUX, "syslinux-common"},
			  {MKFS_VFAT, "dosfstools"},
			  {MCOPY, "mtools"}}},
    [FORMAT_QCOW2] =
	{"qcow2", {".qcow2"}, FORMAT_BIT(FORMAT_RAW_EFI), true, {{QEMU_IMG, "qemu-utils"}}},
    [FORMAT_VHD] = {"vhd", {".vhd"}, FORMAT_BIT(FORMAT_RAW_EFI), true, {{QEMU_IMG, "qemu-utils"}}},
    [FORMAT_VMDK] =
	{"vmdk", {".vmdk"}, FORMAT_BIT(FORMAT_RAW_EFI), true, {{QEMU_IMG, "qemu-utils"}}},
    [FORMAT_GCP] = {"gcp",
		    {".img.tar.gz"},
		    FORMAT_BIT(FORMAT_UKI),
		    true,
		    {{SYSTEMD_BOOT_EFI, "systemd-boot-efi"},
		     {MKFS_VFAT, "dosfstools"},
		     {MCOPY, "mtools"},
		     {"/usr/bin/tar", "tar"},
		     {"/usr/bin/gzip", "gzip"}}},
};

static const struct tool signing_tools[] = {
    {"/usr/bin/sbsign", "sbsigntool"}, {"/usr/bin/sbverify", "sbsigntool"}, {NULL, NULL}};

const char *const *format_outputs(enum format f)
{
	return formats[f].outputs;
}

static void names(char *out, size_t len)
{
	size_t n = 0;
	for (int f = 0; f < FORMAT_COUNT; f++)
		n += (size_t)snprintf(out + n, len - n, "%s%s",
				      f ? (f == FORMAT_COUNT - 1 ? " or " : ", ") : "",
				      formats[f].name);
}

int formats_parse(const char *list, unsigned *set)
{
	*set = 0;
	const char *p = list;
	do {
		size_t len = strcspn(p, ",");
		int f = 0;
		while (f < FORMAT_COUNT &&
		       (strlen(formats[f].name) != len || strncmp(formats[f].name, p, len) != 0))
			f++;
		if (f == FORMAT_COUNT) {
			char all[256];
			names(all, sizeof all);
			log_msg_as(LOG_ERR, "stele build",
				   "--format %s: unknown format \"%.*s\"; expected %s, "
				   "comma-separated",
				   list, (int)len, p, all);
			return -1;
		}
		*set |= FORMAT_BIT(f);
		p += len;
	} while (*p++ == ',');
	return 0;
}

int size_parse(const char *text, uint64_t *bytes)
{
	static const char units[] = "KMGT";
	char *end = NULL;
	errno = 0;
	unsigned long long v = isdigit((unsigned char)text[0]) ? strtoull(text, &end, 10) : 0;
	int shift = 0;
	if (end && *end) {
		/* A unit, then nothing, "B" or "iB": 512M, 512MB, 512MiB. */
		const char *u = strchr(units, toupper((unsigned char)*end));
		const char *rest = u && *u ? end + 1 : end;
		if (u && *u && (!*rest || !strcmp(rest, "B") || !strcmp(rest, "iB")))
			shift = 10 * (int)(u - units + 1);
		else
			v = 0;
	}
	if (errno || v == 0 || (shift && v > ULLONG_MAX >> shift)) {
		log_msg_as(LOG_ERR, "stele build",
			   "--size %s: expected a size like 512M, 2G or a number of "
			   "bytes",
			   text);
		return -1;
	}
	*bytes = (uint64_t)v << shift;
	return 0;
}

/* The requested formats and every format they are made from. */
static unsigned closure(unsigned set)
{
	unsigned done;
	do {
		done = set;
		for (int f = 0; f < FORMAT_COUNT; f++)
			if (set & FORMAT_BIT(f))
				set |= formats[f].needs;
	} while (set != done);
	return set;
}

/* The first requested format that is or holds one of `which`. */
static const char *first_needing(unsigned requested, unsigned which)
{
	for (int f = 0; f < FORMAT_COUNT; f++)
		if ((requested & FORMAT_BIT(f)) && (closure(FORMAT_BIT(f)) & which))
			return formats[f].name;
	return NULL;
}

static int check_tools(unsigned requested, bool signing)
{
	unsigned all = closure(requested);
	for (int f = 0; f < FORMAT_COUNT; f++) {
		if (!(all & FORMAT_BIT(f)))
			continue;
		const struct tool *t = tool_missing(formats[f].tools);
		if (!t && signing && f == FORMAT_UKI)
			t = tool_missing(signing_tools);
		if (t) {
			log_msg_as(LOG_ERR, "stele build",
				   "--format %s needs %s; apt-get install %s",
				   first_needing(requested, FORMAT_BIT(f)), t->path, t->package);
			return -1;
		}
	}
	return 0;
}

int formats_check(const struct format_job *job, const char *kernel)
{
	unsigned requested = job->formats;
	const char *uki_user = first_needing(requested, FORMAT_BIT(FORMAT_UKI));
	bool disk = false;
	for (int f = 0; f < FORMAT_COUNT; f++)
		disk |= (requested & FORMAT_BIT(f)) && formats[f].disk;
	if (job->size && !disk) {
		log_msg_as(LOG_ERR, "stele build",
			   "--size applies to the disk formats raw-efi, raw-bios, qcow2, "
			   "vhd, vmdk and gcp; add one to --format or drop --size");
		return -1;
	}
	if (job->signer && !uki_user) {
		log_msg_as(LOG_ERR, "stele build",
			   "--sign-key signs the UKI: add uki, raw-efi, iso, "
			   "qcow2, vhd, vmdk or gcp to --format, or drop --sign-key");
		return -1;
	}
	if (check_tools(requested, job->signer != NULL) < 0)
		return -1;
	if (job->signer && sign_check(job->signer) < 0)
		return -1;
	if (uki_user) {
		char need[64];
		snprintf(need, sizeof need, "--format %s", uki_user);
		return pe_check_efi_kernel(kernel, need);
	}
	return 0;
}

/* WORK/NAME+suffix */
static void out_path(const struct format_job *job, const char *suffix, char *out, size_t len)
{
	snprintf(out, len, "%s/%s%s", job->work, job->name, suffix);
}

static int write_uki(const struct format_job *job, const char *kernel, const char *initrd,
		     char *sdboot, size_t len)
{
	char uki[PATH_MAX], unsigned_uki[PATH_MAX + 16];
	out_path(job, ".efi", uki, sizeof uki);
	snprintf(unsigned_uki, sizeof unsigned_uki, "%s.unsigned", uki);
	struct uki_parts parts = {
	    .name = job->name, .kernel = kernel, .initrd = initrd, .cmdline = job->cmdline};
	log_info("writing the UKI%s", job->signer ? " (signed)" : "");
	if (!job->signer)
		return uki_write(job->work, &parts, job->epoch, uki);
	/* With the root in the initramfs, this one signature covers the whole host. */
	char log[PATH_MAX];
	if (path_join(log, sizeof log, job->work, "sbsign.log") < 0 ||
	    uki_write(job->work, &parts, job->epoch, unsigned_uki) < 0 ||
	    sign_file(job->signer, unsigned_uki, uki, log) < 0)
		return -1;
	/* Secure Boot checks the boot manager too. */
	if (path_join(sdboot, len, job->work, "systemd-bootx64.efi") < 0)
		return -1;
	return sign_file(job->signer, SYSTEMD_BOOT_EFI, sdboot, log);
}

static int write_gcp(const struct format_job *job, const struct disk_input *disk, const char *uki,
		     const char *sdboot)
{
	char dir[PATH_MAX], raw[PATH_MAX + 16], out[PATH_MAX];
	if (path_join(dir, sizeof dir, job->work, "gcp") < 0 || mkdir_p(dir, 0755) < 0)
		return -1;
	snprintf(raw, sizeof raw, "%s/disk.raw", dir);
	/* GCP takes whole GiB only: the disk grows, the partition does not. */
	struct disk_input gcp = *disk;
	gcp.align = GIB;
	gcp.format = "gcp";
	out_path(job, ".img.tar.gz", out, sizeof out);
	log_info("writing %s.img.tar.gz", job->name);
	if (disk_write_efi(&gcp, uki, sdboot, raw) < 0)
		return -1;
	return convert_gcp(job->work, dir, job->epoch, out);
}

static int write_conversions(const struct format_job *job, const char *raw)
{
	static const enum format converted[] = {FORMAT_QCOW2, FORMAT_VHD, FORMAT_VMDK};
	for (size_t i = 0; i < sizeof converted / sizeof converted[0]; i++) {
		enum format f = converted[i];
		if (!(job->formats & FORMAT_BIT(f)))
			continue;
		char out[PATH_MAX];
		out_path(job, formats[f].outputs[0], out, sizeof out);
		log_info("writing %s%s", job->name, formats[f].outputs[0]);
		if (convert_disk(job->work, raw, formats[f].name, job->epoch, out) < 0)
			return -1;
	}
	return 0;
}

int formats_write(const struct format_job *job)
{
	unsigned all = closure(job->formats);
	char kernel[PATH_MAX], initrd[PATH_MAX], uki[PATH_MAX], raw[PATH_MAX];
	char sdboot[PATH_MAX] = SYSTEMD_BOOT_EFI; /* a signed copy when signing */
	out_path(job, "-kernel", kernel, sizeof kernel);
	out_path(job, "-initrd.img", initrd, sizeof initrd);
	out_path(job, ".efi", uki, sizeof uki);
	out_path(job, "-efi.img", raw, sizeof raw);
	struct disk_input disk = {.name = job->name,
				  .work = job->work,
				  .epoch = job->epoch,
				  .size = job->size,
				  .size_text = job->size_text};
	if ((all & FORMAT_BIT(FORMAT_UKI)) &&
	    write_uki(job, kernel, initrd, sdboot, sizeof sdboot) < 0)
		return -1;
	if (all & FORMAT_BIT(FORMAT_RAW_EFI)) {
		log_info("writing %s-efi.img", job->name);
		if (disk_write_efi(&disk, uki, sdboot, raw) < 0)
			return -1;
	}
	if (all & FORMAT_BIT(FORMAT_RAW_BIOS)) {
		char out[PATH_MAX];
		out_path(job, "-bios.img", out, sizeof out);
		log_info("writing %s-bios.img", job->name);
		if (disk_write_bios(&disk, kernel, initrd, job->cmdline, out) < 0)
			return -1;
	}
	if (all & FORMAT_BIT(FORMAT_ISO)) {
		char out[PATH_MAX];
		out_path(job, ".iso", out, sizeof out);
		struct iso_parts parts = {
		    .kernel = kernel, .initrd = initrd, .uki = uki, .cmdline = job->cmdline};
		log_info("writing %s.iso", job->name);
		if (iso_write(job->work, &parts, out, job->epoch) < 0)
			return -1;
	}
	if (write_conversions(job, raw) < 0)
		return -1;
	if ((all & FORMAT_BIT(FORMAT_GCP)) && write_gcp(job, &disk, uki, sdboot) < 0)
		return -1;
	return 0;
}
