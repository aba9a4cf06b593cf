/* console: the supervisor's progress lines, "[  OK  ] ..." / "[FAILED] ...".
 *
 * Contract: a line goes to stdout (the console) until a getty writes
 * RUN/console-taken (docs/design.md, console hand-over); from then on it
 * goes to the kernel log only, and console_taken() says so for the ones
 * who copy output to the console themselves (onboot's).
 *
 * Writes never block: console_init() gives stdout and stderr (a tty or a
 * pipe) non-blocking file descriptions of their own, and what the console
 * does not take at once is dropped and counted (console_dropped(), shown by
 * `stelectl status` as the `console` row). */
#ifndef STELE_CONSOLE_H
#define STELE_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

void console_init(const char *run_dir);
bool console_taken(void);
void console_line(const char *line);
/* Raw bytes to the console (onboot's output), non-blocking. */
void console_write(const char *data, size_t len);
void console_dropped(unsigned long long *writes, unsigned long long *bytes);
void console_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_failed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
