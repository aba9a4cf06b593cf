/* signals: PID 1's signals, read from one signalfd through epoll.
 *
 * Contract: signals_block() blocks, at the start of main, every signal
 * PID 1 handles, so none is lost before the loop runs and none kills it:
 * SIGCHLD, and the shutdown requests (busybox init's convention):
 *   SIGTERM, SIGINT  reboot   (the kernel sends SIGINT on Ctrl-Alt-Del)
 *   SIGUSR1          halt
 *   SIGUSR2, SIGPWR  poweroff
 * SIGHUP is read and ignored; SIGPIPE is ignored. Children start with an
 * empty mask and default dispositions (lib/spawn.h).
 * signals_next() returns the next signal number, 0 when timeout_ms (-1:
 * forever) passed first, -1 on error (reported). */
#ifndef STELE_INIT_SIGNALS_H
#define STELE_INIT_SIGNALS_H

enum shutdown_kind { SHUTDOWN_NONE, SHUTDOWN_REBOOT, SHUTDOWN_HALT, SHUTDOWN_POWEROFF };

struct signal_source {
	int sfd;
	int epfd;
};

void signals_block(void);
int signals_open(struct signal_source *src);
int signals_next(struct signal_source *src, int timeout_ms);

/* What a signal asks for: SHUTDOWN_NONE for anything but a request. */
enum shutdown_kind shutdown_kind_of(int signo);
/* "reboot", "halt", "poweroff": the words of the final console line. */
const char *shutdown_kind_name(enum shutdown_kind kind);
/* The reverse, for `init --shutdown KIND`: SHUTDOWN_NONE for anything else. */
enum shutdown_kind shutdown_kind_from_name(const char *name);

#endif
