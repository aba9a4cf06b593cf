/* install: the steps of an update on the ESP, each leaving a bootable
 * disk if the power goes at any point.
 *
 * Contract: every function mounts the ESP (esp.h) and returns 0, or -1
 * with err[] one line that names the thing and the fix; a refusal writes
 * nothing.
 *  - update_install(): checks the file (uki_check.h; with a certificate
 *    at UPDATE_CERT, sbverify must accept it), refuses when the running
 *    slot is still on trial or the file is larger than the ESP's free
 *    space (counting the inactive slot's old file, which it replaces);
 *    then removes the inactive slot's file, writes the new one to
 *    stele-X.tmp, fsyncs, renames it stele-X+TRIES.efi, fsyncs the
 *    folder, and points loader.conf's default at it while it has tries
 *    left (stele-X+[1-9]*.efi).
 *  - update_bless(): the running slot, booted with a counter, loses it
 *    (renamed stele-X.efi, as systemd-bless-boot does) and becomes the
 *    default.
 *  - update_rollback(): the other slot, if good, becomes the default.
 * info: filled with the checked file's .osrel values (install only). */
#ifndef STELE_UPDATE_INSTALL_H
#define STELE_UPDATE_INSTALL_H

#include "update/uki_check.h"

#include <stddef.h>

#define UPDATE_CERT	 "/etc/stele/update.crt"
#define UPDATE_TRIES_DEF 3

int update_install(const char *file, int tries, struct uki_info *info, char *err, size_t errlen);
int update_bless(char *err, size_t errlen);
int update_rollback(char *err, size_t errlen);

#endif
