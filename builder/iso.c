#include "builder/iso.h"

#include "builder/disk.h"
#include "builder/fsutil.h"
#include "builder/tool.h"
#include "builder/vfat.h"
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static struct timespec fixed_time[2];

static int set_date(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	if (utimensat(AT_FDCWD, path, fixed_time, AT_SYMLINK_NOFOLLOW) < 0) {
		log_err("%s: cannot set its date: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* xorriso takes file dates from the disk even with SOURCE_DATE_EPOCH. */
static int fix_dates(const char *root, int64_t epoch)
{
	fixed_time[0] = fixed_time[1] = (struct timespec){.tv_sec = (time_t)epoch};
	return nftw(root, set_date, 16, FTW_PHYS) == 0 ? 0 : -1;
}

static int copy_into(const char *root, const char *name, const char *src)
{
	char path[PATH_MAX];
	if (path_join(path, sizeof path, root, name) < 0)
		return -1;
	return copy_file(src, path, 0644);
}

/* The BIOS side: isolinux with its configuration, the kernel, the initrd. */
static int bios_files(const char *root, const struct iso_parts *p)
{
	char path[PATH_MAX], cfg[4096];
	if (path_join(path, sizeof path, root, "isolinux") < 0 || mkdir_p(path, 0755) < 0)
		return -1;
	syslinux_config(p->cmdline, cfg, sizeof cfg);
	if (path_join(path, sizeof path, root, "isolinux/isolinux.cfg") < 0 ||
	    write_file(path, cfg, strlen(cfg), 0644) < 0)
		return -1;
	if (copy_into(root, "kernel", p->kernel) < 0 ||
	    copy_into(root, "initrd.img", p->initrd) < 0 ||
	    copy_into(root, "isolinux/isolinux.bin", ISOLINUX_BIN) < 0 ||
	    copy_into(root, "isolinux/ldlinux.c32", SYSLINUX_LDLINUX) < 0)
		return -1;
	return 0;
}

/* The EFI side: a FAT image with the UKI as the removable-media loader. */
static int efi_image(const char *work, const char *root, const struct iso_parts *p, int64_t epoch)
{
	struct vfat_file files[] = {{p->uki, "EFI/BOOT/BOOTX64.EFI"}};
	struct vfat v = {.label = "STELE-EFI", .work = work, .epoch = epoch, .volume_id = 0x51e1e};
	char image[PATH_MAX];
	if (path_join(image, sizeof image, root, "efiboot.img") < 0 ||
	    vfat_size(files, 1, &v.size) < 0)
		return -1;
	v.image = image;
	return vfat_write(&v, files, 1);
}

int iso_write(const char *work, const struct iso_parts *p, const char *out, int64_t epoch)
{
	char root[PATH_MAX], tmp[PATH_MAX + 8], log[PATH_MAX];
	if (path_join(root, sizeof root, work, "iso") < 0 || mkdir_p(root, 0755) < 0 ||
	    path_join(log, sizeof log, work, "xorriso.log") < 0)
		return -1;
	if (bios_files(root, p) < 0 || efi_image(work, root, p, epoch) < 0)
		return -1;
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	/* The EFI image stays inside the ISO file system: OVMF's El Torito
	 * reader bounds a boot image by the volume, so one appended after it
	 * is not found from a CD. */
	char *argv[] = {"/usr/bin/xorriso",
			"-as",
			"mkisofs",
			"-quiet",
			"-o",
			tmp,
			"-V",
			"STELE",
			"-b",
			"isolinux/isolinux.bin",
			"-c",
			"isolinux/boot.cat",
			"-no-emul-boot",
			"-boot-load-size",
			"4",
			"-boot-info-table",
			"-isohybrid-mbr",
			ISOHDPFX_BIN,
			"-eltorito-alt-boot",
			"-e",
			"efiboot.img",
			"-no-emul-boot",
			"-isohybrid-gpt-basdat",
			"-R",
			root,
			NULL};
	/* xorriso honours SOURCE_DATE_EPOCH for volume dates; file dates are
	 * the files' own. */
	tool_environment(epoch);
	if (fix_dates(root, epoch) < 0 || tool_run("writing the ISO", argv, log, 300) < 0) {
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, out) < 0) {
		log_err("%s: %s", out, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
