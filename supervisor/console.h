/* console: the supervisor's progress lines, "[  OK  ] ..." / "[FAILED] ...".
 *
 * Contract: a line goes to stdout (the console) until a getty writes
 * RUN/console-taken (docs/design.md, console hand-over); from then on it
 * goes to the kernel log only, and console_taken() says so for the ones
 * who copy output to the console themselves (onboot's).
 *
 * Writes never block: console_init() gives stdout and stderr (a tty or a
 * pipe) non-blocking file descriptions of their own. What the console does
 * not take at once waits in a backlog of CONSOLE_BACKLOG bytes, written out
 * in order from the loop as the console takes it (a burst such as onshutdown
 * printing a log must not lose what a slow serial line takes a moment to
 * send); what does not fit there is dropped and counted (console_dropped(),
 * shown by `stelectl status` as the `console` row). console_flush() sends
 * the backlog before the supervisor exits, within a bound. */
#ifndef STELE_CONSOLE_H
#define STELE_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#define CONSOLE_BACKLOG (64 * 1024)

void console_init(const char *run_dir);
bool console_taken(void);
void console_line(const char *line);
/* Raw bytes to the console (onboot's output), non-blocking. */
void console_write(const char *data, size_t len);
/* Before exit: wait up to bound_ms for the backlog, and for a tty's own
 * output queue, to be sent; what is left then counts as dropped. A console
 * that dropped anything says so in one last line, so a reader of the
 * console knows it is incomplete. */
void console_flush(int bound_ms);
void console_dropped(unsigned long long *writes, unsigned long long *bytes);
void console_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_failed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
