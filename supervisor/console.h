/* console: the supervisor's progress lines, "[  OK  ] ..." / "[FAILED] ...".
 *
 * Contract: a line goes to stdout (the console) until a getty writes
 * RUN/console-taken (docs/design.md, console hand-over); from then on it
 * goes to the kernel log only, and console_taken() says so for the ones
 * who copy output to the console themselves (onboot's). */
#ifndef STELE_CONSOLE_H
#define STELE_CONSOLE_H

#include <stdbool.h>

void console_init(const char *run_dir);
bool console_taken(void);
void console_line(const char *line);
void console_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_failed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
