/* esp: the running host's EFI system partition and boot loader variables.
 *
 * Contract: esp_mount() finds the partition whose GPT name is PARTNAME_ESP
 * (lib/partnames.h; the builder names raw-efi's so) in /sys/class/block, mounts it vfat at
 * ESP_MOUNT (nosuid, nodev, noexec, dirsync) unless something is mounted there
 * already, and returns 0; -1 with err[] one line naming the fix.
 * efivar_read() reads a systemd-boot variable (vendor GUID
 * 4a67b082-...) as ASCII, mounting efivarfs first when it is not there;
 * returns 0, -1 (not set, or no EFI), or -2 (EFI, but efivarfs cannot be
 * mounted: no efivarfs module). */
#ifndef STELE_UPDATE_ESP_H
#define STELE_UPDATE_ESP_H

#include <stddef.h>

#define ESP_MOUNT "/run/stele/esp"

int esp_mount(char *err, size_t errlen);
int efivar_read(const char *name, char *out, size_t len);

#endif
