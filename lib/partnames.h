/* partnames: the GPT partition names of a stele boot disk, shared by the
 * builder that writes them and the host programs that find them (the
 * state partition's boot disk, the update slots' ESP).
 *
 * Contract: names only; a partition is stele's when its GPT name is one of
 * these. Renaming one breaks every disk already built. */
#ifndef STELE_PARTNAMES_H
#define STELE_PARTNAMES_H

#define PARTNAME_ESP  "STELE-ESP"  /* raw-efi: the ESP, holding the slots */
#define PARTNAME_BOOT "STELE-BOOT" /* raw-bios: syslinux's boot partition */

#endif
