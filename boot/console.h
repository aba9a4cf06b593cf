/* console: settings, logging and stdio, once /proc and /dev exist.
 *
 * Contract: console_phase() loads the settings (INIT_CONF_PATH, then the
 * kernel command line), then: `debug` lowers the log level to debug;
 * `quiet` keeps only notices (the console markers), warnings and errors
 * on the console, while /dev/kmsg still gets every message; fds 0-2 that
 * are the console (the initramfs node, gone with the move) or closed are
 * reopened on devtmpfs' /dev/console; the crash action
 * follows `crash`; kernel.printk_devkmsg is set to "on", so the kernel
 * never drops PID 1's /dev/kmsg lines. Returns the number of bad settings.
 * console_apply() is the part that also serves `init --shutdown`: log
 * levels from `debug` and `quiet`, and the crash action. */
#ifndef STELE_INIT_CONSOLE_H
#define STELE_INIT_CONSOLE_H

#include "boot/settings.h"

int console_phase(struct settings *settings);
void console_apply(const struct settings *settings);

#endif
