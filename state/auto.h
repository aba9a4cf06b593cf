/* state_auto: which whole disk `state=auto` takes. A wrong guess formats
 * someone's disk, and a second disk labelled as the state volume makes
 * every later boot refuse both, so auto guesses only when nothing else
 * can be meant:
 *  - a disk labelled state_label is taken as soon as a scan sees it,
 *    before any blank one;
 *  - two labelled disks are an error naming both and the fix (name one:
 *    state.device in the YAML, stele.state= on the command line);
 *  - a blank disk is taken only at the end of the whole wait (a scratch or
 *    instance-store disk may show up before the state disk), and only when
 *    no candidate failed to read during it (a transient read error may
 *    hide the state disk's label); the first blank disk by name wins;
 *  - result->choice says which disk was chosen and why, for the console.
 * Candidates: whole disks in /sys/block but loop, RAM, optical, floppy,
 * device mapper, md, nbd and removable ones. Runs in the probe child
 * (state/probe.h); nothing here writes. */
#ifndef STELE_STATE_AUTO_H
#define STELE_STATE_AUTO_H

#include "state/probe.h"

#include <stdbool.h>

/* What the scans of one wait remember. Zero it before the first scan. */
struct auto_search {
	bool failed;		   /* a candidate failed during the wait */
	struct probe_result error; /* the first failure */
	char seen[1024];	   /* the last scan's passed-over disks */
};

/* One scan. True when the search is over and r holds the outcome: a
 * labelled disk, an error, or (when final, at the end of the wait) the
 * blank disk or the failure that forbids formatting it. False: nothing
 * yet, r->reason says what was seen. */
bool state_auto_scan(const struct state_config *cfg, struct auto_search *s, bool final,
		     struct probe_result *r);

/* Call each(name, ctx) for every entry of a sysfs block directory, in
 * name order (auto: /sys/block; LABEL=, UUID=: /sys/class/block).
 * Returns -1 with errno when dir cannot be listed. */
int state_each_block(const char *dir, void (*each)(const char *name, void *ctx), void *ctx);

#endif
