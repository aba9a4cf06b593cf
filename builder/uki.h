/* uki: a unified kernel image, one EFI executable holding the kernel, the
 * initramfs and the command line, made from systemd's EFI stub
 * (systemd-boot-efi) with objcopy.
 *
 * Contract: the sections .osrel, .cmdline, .linux and .initrd are added
 * after the stub's own, each at a 4 KiB aligned address, in that order.
 * The PE timestamp is `epoch`, so the same inputs give the same bytes.
 * The kernel must have an EFI stub (pe_check_efi_kernel). Scratch files
 * go to WORK; OUT is complete or absent. */
#ifndef STELE_BUILDER_UKI_H
#define STELE_BUILDER_UKI_H

#include <stdint.h>

#define UKI_STUB "/usr/lib/systemd/boot/efi/linuxx64.efi.stub"

struct uki_parts {
	const char *name; /* the image's name, for .osrel */
	const char *kernel;
	const char *initrd;
	const char *cmdline; /* the command line itself */
};

int uki_write(const char *work, const struct uki_parts *p, int64_t epoch, const char *out);

#endif
