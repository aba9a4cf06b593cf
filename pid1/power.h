/* power: the last steps of every way down, shared by both stages (the
 * resident stele-pid1 needs them when it cannot go back to stage 1).
 *
 * Contract: sync_bounded() runs sync(2) in a child and waits at most 30 s
 * for it (lib/bounded_call.h: a dead disk must not hang PID 1), petting
 * the watchdog meanwhile; a sync that overruns or cannot be started is
 * said in one line and the caller goes on. final_reboot() ends the
 * watchdog (watchdog_finish: disarmed for halt and poweroff, left armed for
 * reboot), prints the last console line
 *   stele: reboot|halt|poweroff
 * and calls reboot(2) from a child: the kernel may end the caller, which
 * must never be PID 1 (in a non-initial PID namespace it ends the
 * namespace). If that fails it says so and freezes. */
#ifndef STELE_PID1_POWER_H
#define STELE_PID1_POWER_H

#include "pid1/signals.h"

void sync_bounded(void);
_Noreturn void final_reboot(enum shutdown_kind kind);

#endif
