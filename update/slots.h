/* slots: the two UKIs on the ESP and systemd-boot's choice between them.
 *
 * Layout (README.md): ESP_MOUNT/EFI/Linux/stele-a.efi and stele-b.efi,
 * each with systemd-boot's boot-counting suffix while it is on trial
 * (stele-b+3.efi, then stele-b+2-1.efi, ...); loader/loader.conf's
 * `default` names the slot to boot.
 *
 * Contract: slots_scan() fills s[0] (a) and s[1] (b) from the folder;
 * returns 0 or -1 (folder unreadable). slot_running() gives the letter
 * of the slot systemd-boot started (LoaderEntrySelected), or 0.
 * loader_default() rewrites loader.conf with `default PATTERN`
 * (temporary file, fsync, rename, fsync of the folder). Every function
 * returns 0, or -1 with errno set. */
#ifndef STELE_UPDATE_SLOTS_H
#define STELE_UPDATE_SLOTS_H

#include <limits.h>
#include <stddef.h>

#define SLOTS_DIR   "EFI/Linux"
#define SLOT_PREFIX "stele-"
#define LOADER_CONF "loader/loader.conf"

enum slot_state { SLOT_EMPTY, SLOT_GOOD, SLOT_TRYING, SLOT_BAD };

struct slot {
	char letter; /* 'a' or 'b' */
	enum slot_state state;
	int tries_left, tries_done; /* -1: no counter (good) */
	char file[NAME_MAX + 1];    /* name in SLOTS_DIR, "" when empty */
};

const char *slot_state_name(enum slot_state s);
int slots_scan(const char *esp, struct slot s[2]);
char slot_running(void);

/* Parse "stele-X[+LEFT[-DONE]].efi" (case-insensitive); 0 or -1. */
int slot_parse_name(const char *name, struct slot *out);

int loader_default(const char *esp, const char *pattern);

/* fsync the folder holding path's entries. */
int fsync_dir(const char *dir);
/* rename(2) made durable on vfat, whose rename writes the new entry empty
 * and the file's first cluster and size only with the file's inode: the
 * file is fsynced after the rename, then its folder (on the ESP, mounted
 * dirsync, the rename has done both already). */
int rename_durable(const char *from, const char *to, const char *dir);

#endif
