#include "builder/iso.h"

#include "builder/fsutil.h"
#include "lib/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *const isolinux_bin = "/usr/lib/ISOLINUX/isolinux.bin";
static const char *const ldlinux = "/usr/lib/syslinux/modules/bios/ldlinux.c32";
static const char *const isohdpfx = "/usr/lib/ISOLINUX/isohdpfx.bin";

static struct timespec fixed_time[2];

static int set_date(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	if (utimensat(AT_FDCWD, path, fixed_time, AT_SYMLINK_NOFOLLOW) < 0) {
		fprintf(stderr, "stele: %s: cannot set its date: %s\n", path, strerror(errno));
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

int iso_write(const char *work, const char *kernel, const char *initrd, const char *cmdline,
	      const char *out, int64_t epoch)
{
	if (!path_exists("/usr/bin/xorriso") || !path_exists(isolinux_bin) ||
	    !path_exists(ldlinux)) {
		fprintf(stderr, "stele: --format iso needs xorriso and isolinux (apt-get install "
				"xorriso isolinux syslinux-common)\n");
		return -1;
	}
	char root[PATH_MAX], path[PATH_MAX * 2], cfg[4096];
	snprintf(root, sizeof root, "%s/iso", work);
	snprintf(path, sizeof path, "%s/isolinux", root);
	if (mkdir_p(path, 0755) < 0)
		return -1;
	snprintf(cfg, sizeof cfg,
		 "DEFAULT stele\nPROMPT 0\nLABEL stele\n  KERNEL /kernel\n  INITRD /initrd.img\n  "
		 "APPEND %s\n",
		 cmdline);
	snprintf(path, sizeof path, "%s/isolinux/isolinux.cfg", root);
	if (write_file(path, cfg, strlen(cfg), 0644) < 0)
		return -1;
	snprintf(path, sizeof path, "%s/kernel", root);
	if (copy_file(kernel, path, 0644) < 0)
		return -1;
	snprintf(path, sizeof path, "%s/initrd.img", root);
	if (copy_file(initrd, path, 0644) < 0)
		return -1;
	snprintf(path, sizeof path, "%s/isolinux/isolinux.bin", root);
	if (copy_file(isolinux_bin, path, 0644) < 0)
		return -1;
	snprintf(path, sizeof path, "%s/isolinux/ldlinux.c32", root);
	if (copy_file(ldlinux, path, 0644) < 0)
		return -1;
	char date[32], tmp[PATH_MAX * 2];
	snprintf(date, sizeof date, "%lld", (long long)epoch);
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	/* xorriso honours SOURCE_DATE_EPOCH for volume dates; file dates are
	 * set with -alter_date_r. */
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
			(char *)isohdpfx,
			"-R",
			root,
			NULL};
	setenv("SOURCE_DATE_EPOCH", date, 1);
	if (fix_dates(root, epoch) < 0)
		return -1;
	int status = run_bounded(argv, -1, 300000, 2000);
	if (status != 0) {
		fprintf(stderr, "stele: xorriso failed writing %s\n", out);
		return -1;
	}
	return rename(tmp, out) < 0 ? -1 : 0;
}
