/* signals: the signals PID 1 acts on, and what they ask for.
 *
 * Contract: signals_block() blocks, at the start of main, every signal
 * PID 1 handles, so none is lost before the loop runs and none kills it;
 * they are then read through a signalfd (events.h). They are SIGCHLD,
 * SIGHUP (ignored, unless a test fault is armed: testfault.h) and the
 * shutdown requests (busybox init's convention):
 *   SIGTERM, SIGINT  reboot   (the kernel sends SIGINT on Ctrl-Alt-Del)
 *   SIGUSR1          halt
 *   SIGUSR2, SIGPWR  poweroff
 * SIGPIPE is ignored. Children start with an empty mask and default
 * dispositions (lib/spawn.h). */
#ifndef STELE_PID1_SIGNALS_H
#define STELE_PID1_SIGNALS_H

#include <signal.h>

enum shutdown_kind { SHUTDOWN_NONE, SHUTDOWN_REBOOT, SHUTDOWN_HALT, SHUTDOWN_POWEROFF };

void signals_block(void);
/* The set signals_block() blocked. */
void signals_handled(sigset_t *set);

/* What a signal asks for: SHUTDOWN_NONE for anything but a request. */
enum shutdown_kind shutdown_kind_of(int signo);
/* "reboot", "halt", "poweroff": the words of the final console line. */
const char *shutdown_kind_name(enum shutdown_kind kind);
/* The reverse, for `init --shutdown KIND`: SHUTDOWN_NONE for anything else. */
enum shutdown_kind shutdown_kind_from_name(const char *name);

#endif
