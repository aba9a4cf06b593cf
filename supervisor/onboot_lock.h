/* onboot_lock: onboot runs once per boot, even when the supervisor that
 * started it dies while it runs.
 *
 * Contract: RUN/onboot.lock is flock()ed by the stele-onboot process itself
 * (it gets the locked file as its stdin, read as an empty file), so the
 * lock lives exactly as long as that onboot, past a supervisor killed
 * meanwhile. RUN/onboot.started says an onboot was started this boot (/run
 * is cleared by a reboot). onboot_lock_take():
 *  - ONBOOT_LOCK_TAKEN: none was started; *fd is the locked file (close-on-
 *    exec; give it to the child as stdin, then close it) and the started
 *    marker is written;
 *  - ONBOOT_LOCK_RUNNING: an earlier supervisor's onboot still runs: ask
 *    again later, and neither run onboot nor touch its containers;
 *  - ONBOOT_LOCK_ENDED: an earlier onboot was started and has ended.
 * A lock file that cannot be used is reported and counts as TAKEN with *fd
 * -1 (onboot then runs as it did before the lock). */
#ifndef STELE_ONBOOT_LOCK_H
#define STELE_ONBOOT_LOCK_H

enum onboot_lock { ONBOOT_LOCK_TAKEN, ONBOOT_LOCK_RUNNING, ONBOOT_LOCK_ENDED };

enum onboot_lock onboot_lock_take(const char *run_dir, int *fd);

#endif
