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
 * would reorder the console).
 *
 * Host mode (log_init_host()) is for the programs a user runs from a shell:
 * `stele build`, `stele-mkinitramfs`, `stelectl`, bench's tools, and init
 * or stele-pid1 refusing to run outside PID 1. There a message is one line
 * (up to 4 KiB, the console's are cut at 1 KiB) on stderr alone, written
 * in one write(2), with no timestamp and never on /dev/kmsg:
 *   PROG: text
 * or just "text" when PROG is NULL; LOG_WARN lines read
 * "PROG: warning: text". log_msg_as() names another speaker in PROG's
 * place, for lines that say where they come from (a builder stage,
 * "initramfs: ...") or, with NULL, start with the place in the input a
 * compiler-style error points at ("FILE:LINE: key: what is expected").
 * A host tool's product (a path, JSON, a table) and its usage text are
 * not messages: they stay on stdout, or on stderr as the whole usage text,
 * written by the program itself. */
#ifndef STELE_LOG_H
#define STELE_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum log_level { LOG_ERR = 3, LOG_WARN = 4, LOG_NOTICE = 5, LOG_INFO = 6, LOG_DEBUG = 7 };

/* prog: short name printed before each message. */
void log_init(const char *prog);
/* Host mode, above: stderr only, untimed, no /dev/kmsg. prog may be NULL. */
void log_init_host(const char *prog);
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
/* The same with WHO in the program's place (NULL: no prefix at all). */
void log_msg_as(enum log_level level, const char *who, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_vmsg_as(enum log_level level, const char *who, const char *fmt, va_list ap);

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARN, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
