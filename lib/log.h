/* log: one-line messages with a monotonic timestamp, to the console and to
 * the kernel log.
 *
 * Contract: log_*() never fail and never block for long; a message that
 * cannot be written anywhere is dropped. Messages are formatted as
 *   [   12.345678] PROG: text
 * on stderr (the console for init), and as "<LEVEL>PROG: text" on
 * /dev/kmsg, which keeps them when the console belongs to a getty. When
 * stderr is /dev/console and the kernel prints every level we would show
 * there (console_loglevel above our levels, kernel.printk_devkmsg "on" so
 * no line is rate-limited away), the stderr copy is left out, so a line is
 * never shown twice; otherwise both are written (mixing the two paths
 * would reorder the console). */
#ifndef STELE_LOG_H
#define STELE_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum log_level { LOG_ERR = 3, LOG_WARN = 4, LOG_NOTICE = 5, LOG_INFO = 6, LOG_DEBUG = 7 };

/* prog: short name printed before each message. */
void log_init(const char *prog);
/* Messages below this level are dropped (default LOG_INFO). */
void log_set_level(enum log_level level);
/* console=false stops writing to stderr (a getty owns the console);
 * the kernel log still gets every message. */
void log_set_console(bool console);
/* The console may be quieter than the kernel log: messages below this
 * level skip the console (default: everything that passes log_set_level).
 * `quiet` on the kernel command line maps to LOG_NOTICE, which still shows
 * errors and the markers tests wait for. */
void log_set_console_level(enum log_level level);
/* Send messages to /dev/kmsg as well (default on when it can be opened). */
void log_set_kmsg(bool kmsg);
bool log_debug_enabled(void);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level level, const char *fmt, va_list ap);

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARN, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
