/* pe: the few facts about PE/COFF files (EFI executables) a UKI needs.
 *
 * Contract: every function reads or patches the headers in place and
 * returns 0, or -1 after one line on stderr naming the file and what is
 * wrong with it. Only PE32+ for x86-64 is accepted. */
#ifndef STELE_BUILDER_PE_H
#define STELE_BUILDER_PE_H

#include <stdint.h>

/* A Linux bzImage that firmware can start: "MZ", a PE header for x86-64
 * (the kernel's CONFIG_EFI_STUB) and the boot protocol's "HdrS". `need`
 * names what requires it, for the error ("--format uki"). */
int pe_check_efi_kernel(const char *path, const char *need);

/* The first address after the image's sections, as objcopy's
 * --change-section-vma takes it (image base included), rounded up to
 * `align` (a power of two). */
int pe_image_end(const char *path, uint64_t align, uint64_t *end);

/* Set the COFF TimeDateStamp (objcopy writes the current time there)
 * and recompute the optional header's CheckSum. */
int pe_set_timestamp(const char *path, uint32_t stamp);

#endif
