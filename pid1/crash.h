/* crash: PID 1 must never die, or the kernel panics with "Attempted to
 * kill init".
 *
 * Contract: after crash_install(), a SIGSEGV, SIGBUS, SIGABRT, SIGFPE or
 * SIGILL in PID 1 prints the marker
 *   stele: PID 1 crashed: signal N (NAME); freezing|rebooting
 * on the console and /dev/kmsg, syncs, then either freezes (sleeps forever,
 * so a console and the kernel stay usable for diagnosis) or reboots, from a
 * child as for every reboot. The handler runs on its own stack, so a stack
 * overflow is caught too. Calling it again changes the action. */
#ifndef STELE_INIT_CRASH_H
#define STELE_INIT_CRASH_H

enum crash_action { CRASH_FREEZE, CRASH_REBOOT };

void crash_install(enum crash_action action);

#endif
