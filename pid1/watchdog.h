/* watchdog: a hardware watchdog (/dev/watchdogN) that resets the host when
 * PID 1 stops serving its loop: hung in the kernel, frozen after a crash,
 * or starved.
 *
 * Contract: one watchdog per host, kept in this module.
 * watchdog_arm(PATH, S) opens PATH (O_CLOEXEC: only stage 1 at shutdown
 * gets it, on purpose), sets its timeout to S seconds (WDIOC_SETTIMEOUT;
 * the driver may round it, and the value it took is the one used) and
 * pets it. Any failure is one line naming the device and the fix, and the
 * host runs without a watchdog. watchdog_period_ms() is how often it must
 * be petted: a third of the timeout (0 when none is armed).
 * watchdog_pet() is WDIOC_KEEPALIVE, a no-op without a watchdog, and
 * async-signal-safe. watchdog_pass_on() clears O_CLOEXEC and returns the
 * fd (-1 without one) for the exec of `init --shutdown KIND --watchdog-fd
 * N`, where watchdog_adopt("N") takes it over. watchdog_finish(KIND) is
 * the very last step before reboot(2): for halt and poweroff it disarms
 * the watchdog (the magic close: 'V', then close), for reboot it leaves it
 * armed, so that a reboot that hangs still ends in a reset. */
#ifndef STELE_PID1_WATCHDOG_H
#define STELE_PID1_WATCHDOG_H

#include "pid1/signals.h"

#define WATCHDOG_TIMEOUT_DEFAULT 30   /* seconds */
#define WATCHDOG_TIMEOUT_MAX	 3600 /* seconds */
#define WATCHDOG_FD_OPTION	 "--watchdog-fd"

int watchdog_arm(const char *path, int timeout_s);
int watchdog_period_ms(void);
void watchdog_pet(void);
int watchdog_pass_on(void);
int watchdog_adopt(const char *fd_text);
void watchdog_finish(enum shutdown_kind kind);

#endif
