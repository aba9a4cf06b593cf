/* formats: the outputs `stele build --format` writes, what each needs,
 * and their writing in dependency order.
 *
 * | format        | files                                      | made from        |
 * | kernel+initrd | NAME-kernel, NAME-initrd.img, NAME-cmdline | the staged tree  |
 * | iso           | NAME.iso (BIOS isolinux + EFI UKI)         | kernel+initrd, uki |
 * | uki           | NAME.efi                                   | kernel+initrd    |
 * | raw-efi       | NAME-efi.img                               | uki              |
 * | raw-bios      | NAME-bios.img                              | kernel+initrd    |
 * | qcow2         | NAME.qcow2                                 | raw-bios         |
 * | vhd, vmdk     | NAME.vhd, NAME.vmdk                        | raw-efi          |
 * | gcp           | NAME.img.tar.gz                            | uki (its own disk) |
 *
 * Contract: formats_parse() and size_parse() print one line naming the
 * fix on bad input. formats_check() runs before any build work: every
 * tool the formats need is present (else it names the Debian package),
 * the signing key matches its certificate, the kernel has an EFI stub
 * when a UKI is made, and --size and --sign-key apply to a requested
 * format. formats_write() writes WORK/NAME+suffix for every requested
 * format, and what they are made from, from WORK/NAME-kernel,
 * NAME-initrd.img and the command line. Each returns 0, or -1 after one
 * line on stderr. */
#ifndef STELE_BUILDER_FORMATS_H
#define STELE_BUILDER_FORMATS_H

#include "builder/sign.h"

#include <stddef.h>
#include <stdint.h>

enum format {
	FORMAT_KERNEL_INITRD,
	FORMAT_ISO,
	FORMAT_UKI,
	FORMAT_RAW_EFI,
	FORMAT_RAW_BIOS,
	FORMAT_QCOW2,
	FORMAT_VHD,
	FORMAT_VMDK,
	FORMAT_GCP,
	FORMAT_COUNT
};

#define FORMAT_BIT(f) (1u << (f))

struct format_job {
	unsigned formats; /* FORMAT_BIT()s requested */
	const char *name;
	const char *work;
	const char *cmdline;
	int64_t epoch;
	uint64_t size; /* --size in bytes, 0 when not given */
	const char *size_text;
	const struct signer *signer; /* NULL: unsigned */
};

/* "uki,raw-efi,qcow2" -> a set of FORMAT_BIT()s. */
int formats_parse(const char *list, unsigned *set);
/* "512M", "2G", "1073741824" (bytes; K, M, G, T are powers of 1024). */
int size_parse(const char *text, uint64_t *bytes);

int formats_check(const struct format_job *job, const char *kernel);
int formats_write(const struct format_job *job);

/* The suffixes (after NAME) of the files format f publishes, NULL-ended. */
const char *const *format_outputs(enum format f);

#endif
