/* state_bootdisk: the state volume as a partition on stele's own boot
 * disk, for instances with one disk (state=auto, no other disk qualifies).
 *
 * A stele boot disk is a GPT whose first partition is named STELE-ESP
 * (raw-efi) or STELE-BOOT (raw-bios), as the builder writes them. Any
 * other disk, and a GPT of which libfdisk finds a copy damaged (it would
 * "recover" it by writing), is never written: state_bootdisk_look() says
 * why in r->reason and the caller goes on without it.
 *
 * The state partition has the type GUID STATE_PART_TYPE and the name
 * `stele-state` (the filesystem carries the same label). It is created
 * with the name `stele-state-new`, formatted, and only then renamed, so a
 * power cut leaves no partition, a pending one (blank or holding stele's
 * own unfinished mke2fs: formatted again on the next boot), or a complete
 * one. GPT writes go through an O_SYNC descriptor, so libfdisk's order
 * (backup entries, backup header, primary entries, primary header) reaches
 * the disk as written and one of the two copies is always whole.
 *
 * Reading (look) runs in the probe child; the writes (add, rename, grow)
 * each run in a child bounded to BOOTDISK_WRITE_TIMEOUT_S. Every write
 * also moves the backup GPT to the end of the disk (libfdisk's relocation),
 * which is how a disk the cloud enlarged gets its free space. */
#ifndef STELE_STATE_BOOTDISK_H
#define STELE_STATE_BOOTDISK_H

#include "state/probe.h"

#include <stddef.h>

#define STATE_PART_TYPE		 "4D21B016-B534-45C2-A9FB-5C16E091FD2D" /* Linux variable data */
#define STATE_PART_NAME		 "stele-state"
#define STATE_PART_PENDING	 "stele-state-new"
#define BOOTDISK_MIN_FREE	 (64ULL << 20)
#define BOOTDISK_WRITE_TIMEOUT_S 120

/* What a whole disk offers; nothing is written. Returns:
 *  0: not a stele boot disk, or refused (damaged GPT, free space not
 *     blank, too small): r->reason says which;
 *  1: a partition named stele-state: r is its probe, r->disk and
 *     r->partno set;
 *  2: room for the state volume: r->verdict PROBE_BOOT_SPACE, r->device
 *     the disk, r->partno a pending partition to format again, or 0 and
 *     r->space_start/space_bytes the blank free space at the end. */
int state_bootdisk_look(const char *disk, struct probe_result *r);

/* Add the pending partition over r's free space. Fills r->partno and
 * r->device (the partition's node, waited for). -1 after a log line. */
int state_bootdisk_add(struct probe_result *r);

/* Rename the pending partition to stele-state. -1 after a log line. */
int state_bootdisk_commit(const struct probe_result *r);

/* When the disk has grown past the GPT or the partition, move the backup
 * GPT to the end and extend the partition (the last one) to it. 1 when
 * grown, 0 when nothing to do, -1 after a log line. */
int state_bootdisk_grow(const struct probe_result *r);

/* "/dev/vda" + 2 -> "/dev/vda2"; "/dev/nvme0n1" + 2 -> "/dev/nvme0n1p2". */
void state_bootdisk_part_path(const char *disk, size_t partno, char *out, size_t len);

/* Tests: when the environment's STELE_TEST_STATE_PAUSE names step, say
 * so on the console and sleep (bounded) so that the test can cut the
 * power there. */
void state_bootdisk_test_pause(const char *step);

#endif
