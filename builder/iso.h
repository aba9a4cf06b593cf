/* iso: a hybrid bootable ISO 9660 image, written with xorriso. BIOS
 * machines boot isolinux, which loads /kernel and /initrd.img with the
 * command line; EFI machines boot the El Torito EFI image, a FAT file
 * system holding the UKI as /EFI/BOOT/BOOTX64.EFI. Both from a CD and,
 * through the isohybrid MBR and GPT, from the same file written to a
 * disk or USB stick.
 *
 * Contract: needs xorriso, isolinux, mtools and dosfstools (Debian
 * packages; formats.c checks them before the build). WORK is a scratch
 * folder. File dates are fixed at `epoch`, so the same inputs give the
 * same ISO. */
#ifndef STELE_CONFIG_ISO_H
#define STELE_CONFIG_ISO_H

#include <stdint.h>

#define ISOLINUX_BIN "/usr/lib/ISOLINUX/isolinux.bin"
#define ISOHDPFX_BIN "/usr/lib/ISOLINUX/isohdpfx.bin"

struct iso_parts {
	const char *kernel;
	const char *initrd;
	const char *uki;
	const char *cmdline; /* the command line itself */
};

int iso_write(const char *work, const struct iso_parts *p, const char *out, int64_t epoch);

#endif
