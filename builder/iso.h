/* iso: a bootable ISO 9660 image (isolinux, BIOS) holding the kernel, the
 * initrd and the command line, written with xorriso.
 *
 * Contract: needs xorriso and isolinux (Debian packages); their absence is
 * a one-line error naming them. WORK is a scratch folder. File dates are
 * fixed at `epoch`, so the same inputs give the same ISO. */
#ifndef STELE_CONFIG_ISO_H
#define STELE_CONFIG_ISO_H

#include <stdint.h>

int iso_write(const char *work, const char *kernel, const char *initrd, const char *cmdline,
	      const char *out, int64_t epoch);

#endif
