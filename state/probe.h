/* state_probe: find the state device and decide what it holds.
 *
 * The bytes on a disk belong to whoever wrote them, so everything that
 * parses them (libblkid, the ext4 superblock read) runs in a child:
 * state_probe_in_child() forks, the child resolves the configured device
 * (waiting for it to appear) and probes it, and returns a fixed-size
 * result through shared memory. A child that crashes or overruns its
 * bound is reported as PROBE_CRASHED; the caller refuses the device.
 *
 * Blank means: libblkid's safe probe (superblocks, partition tables,
 * RAID/LVM/LUKS signatures, backup superblocks at the end) finds nothing,
 * AND the first and the last MiB read as zeros. Only PROBE_BLANK may be
 * formatted without an explicit force. Nothing here ever writes. */
#ifndef STELE_STATE_PROBE_H
#define STELE_STATE_PROBE_H

#include <stdint.h>

#include "state/config.h"

enum probe_verdict {
	PROBE_BLANK,	  /* no signature, zeros at both ends */
	PROBE_BOOT_SPACE, /* auto: room on stele's boot disk (state/bootdisk.h) */
	PROBE_FILESYSTEM, /* exactly one filesystem: type, label, uuid set */
	PROBE_NOT_BLANK,  /* anything else with data on it; reason says what */
	PROBE_AMBIVALENT, /* two or more signatures; reason names them */
	PROBE_READ_ERROR, /* the device failed a read; reason says where */
	PROBE_NOT_FOUND,  /* nothing matched the spec before the deadline */
	PROBE_ERROR,	  /* could not probe (open, libblkid setup) */
	PROBE_CRASHED,	  /* the probe child died or overran its bound */
};

struct probe_result {
	enum probe_verdict verdict;
	char device[256];
	char type[32];
	char label[64];
	char uuid[64];
	uint64_t dev_bytes; /* size of the device */
	uint64_t fs_bytes;  /* size of an ext2/3/4 filesystem, 0 when unknown */
	char reason[400];   /* one line, for the console */
	char choice[400];   /* auto: which disk was chosen and why; else empty */
	/* On stele's boot disk (state/bootdisk.h): the disk, else empty. */
	char disk[64];
	unsigned partno;		   /* the state partition, 0 when none yet */
	uint64_t space_start, space_bytes; /* PROBE_BOOT_SPACE without partno */
};

/* Probe one device or image file, in this process. */
void state_probe_device(const char *path, struct probe_result *r);

/* Probe [off, off+len) of an open device or file, as state_probe_device()
 * probes a whole one; r->device is left as it is. */
void state_probe_range(int fd, uint64_t off, uint64_t len, struct probe_result *r);

/* Resolve cfg->spec (path, LABEL=, UUID=, auto), waiting up to
 * cfg->wait_s seconds for it to appear, then probe it; in this process. */
void state_probe_find(const struct state_config *cfg, struct probe_result *r);

/* state_probe_find() in a child bounded by cfg->wait_s plus a margin. */
void state_probe_in_child(const struct state_config *cfg, struct probe_result *r);

const char *state_probe_verdict_name(enum probe_verdict verdict);

#endif
