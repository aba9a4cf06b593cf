/* disk: bootable GPT disk images, `raw-efi` and `raw-bios`.
 *
 * raw-efi: one EFI system partition (FAT32) holding systemd-boot as
 * /EFI/BOOT/BOOTX64.EFI and /EFI/systemd/systemd-bootx64.efi,
 * /loader/loader.conf, and the UKI as /EFI/Linux/NAME.efi.
 * raw-bios: one FAT32 partition (type "Linux extended boot", legacy BIOS
 * bootable) holding the kernel, the initrd and syslinux, with syslinux's
 * gptmbr.bin in the protective MBR.
 *
 * Contract: the partition starts at 1 MiB and is sized to its files;
 * the disk is the partition plus 1 MiB at each end, or `size` when that
 * is larger, rounded up to `align` (1 MiB): the space after the partition
 * is left free, unpartitioned, for a state partition. A `size` below the
 * content is refused in one line naming the least that fits. GUIDs and
 * the FAT volume ID derive from the image name and the content, dates
 * are `epoch`: the same inputs give the same bytes. Needs no root.
 * Returns 0 with OUT complete, or -1 after one line (OUT may be left
 * behind in the scratch folder). */
#ifndef STELE_BUILDER_DISK_H
#define STELE_BUILDER_DISK_H

#include <stddef.h>
#include <stdint.h>

#define SYSTEMD_BOOT_EFI "/usr/lib/systemd/boot/efi/systemd-bootx64.efi"
#define SYSLINUX_GPTMBR	 "/usr/lib/syslinux/mbr/gptmbr.bin"
#define SYSLINUX_LDLINUX "/usr/lib/syslinux/modules/bios/ldlinux.c32"

struct disk_input {
	const char *name;   /* the image's name */
	const char *format; /* for errors; NULL: raw-efi or raw-bios */
	const char *work;   /* scratch folder */
	int64_t epoch;
	uint64_t size;	       /* bytes wanted, 0: as small as the content */
	const char *size_text; /* --size as given, for errors */
	uint64_t align;	       /* the disk's size is a multiple of it; 0: 1 MiB */
};

/* systemd_boot: the boot manager to install (signed when the UKI is). */
int disk_write_efi(const struct disk_input *in, const char *uki, const char *systemd_boot,
		   const char *out);
int disk_write_bios(const struct disk_input *in, const char *kernel, const char *initrd,
		    const char *cmdline, const char *out);

/* The syslinux/isolinux configuration that boots /kernel and /initrd.img. */
void syslinux_config(const char *cmdline, char *out, size_t len);

#endif
