/* vfat: a FAT32 file system holding a list of files, written into an
 * image file at an offset, without root or loop devices (mkfs.vfat from
 * dosfstools, mmd and mcopy from mtools).
 *
 * Contract: vfat_size() is what vfat_write() needs for the files: a whole
 * number of MiB, with room for the FAT, directories and cluster slack.
 * vfat_write() formats SIZE bytes at OFFSET of IMAGE (creating IMAGE when
 * OFFSET is 0 and it does not exist) and copies the files in; file and
 * directory dates are `epoch`, clamped to FAT's 1980-2107, so the same
 * files give the same bytes. Returns 0, or -1 after one line. */
#ifndef STELE_BUILDER_VFAT_H
#define STELE_BUILDER_VFAT_H

#include <stddef.h>
#include <stdint.h>

#define MIB (1024ull * 1024ull)

struct vfat_file {
	const char *src;
	const char *dest; /* path in the file system, "EFI/BOOT/BOOTX64.EFI" */
};

struct vfat {
	const char *image;
	uint64_t offset; /* bytes, a multiple of 512 */
	uint64_t size;	 /* bytes, from vfat_size() or more */
	uint32_t volume_id;
	const char *label; /* at most 11 characters */
	const char *work;  /* scratch folder for the tools' output */
	int64_t epoch;
};

int vfat_size(const struct vfat_file *files, size_t n, uint64_t *bytes);
int vfat_write(const struct vfat *v, const struct vfat_file *files, size_t n);

#endif
