/* crash: PID 1 must never die, or the kernel panics with "Attempted to
 * kill init".
 *
 * Contract: after crash_install(), a SIGSEGV, SIGBUS, SIGABRT, SIGFPE or
 * SIGILL in PID 1 prints the marker
 *   stele: PID 1 crashed: signal N (NAME); freezing|rebooting
 * on the console and /dev/kmsg, syncs in a child it waits for at most
 * CRASH_SYNC_TIMEOUT_MS (a dead disk must not keep the crash action from
 * running; the watchdog, if any, is petted meanwhile), then either freezes
 * (sleeps forever, so a console and the kernel stay usable for diagnosis;
 * an armed watchdog, no longer petted, then resets the host) or reboots,
 * from a child as for every reboot. The handler runs on its own stack, so
 * a stack overflow is caught too, and only calls async-signal-safe
 * functions. Calling crash_install() again changes the action. */
#ifndef STELE_PID1_CRASH_H
#define STELE_PID1_CRASH_H

enum crash_action { CRASH_FREEZE, CRASH_REBOOT };

#define CRASH_SYNC_TIMEOUT_MS 30000

void crash_install(enum crash_action action);
/* "freeze" or "reboot". */
const char *crash_action_name(enum crash_action action);

#endif
