/* clock: the one clock of every stele program.
 *
 * Contract: boottime_ms() is CLOCK_BOOTTIME in milliseconds, the time since
 * the kernel started. It never goes back, keeps counting across a suspend,
 * and reads the same in every process, so the boot timeline, the log's
 * timestamps, durations and deadlines all agree. Nothing in stele reads
 * another clock, except kernel timers (timerfd, epoll timeouts) that take
 * relative times. */
#ifndef STELE_CLOCK_H
#define STELE_CLOCK_H

#include <stdint.h>

double boottime_ms(void);

/* The same, as whole milliseconds, for deadline arithmetic. */
int64_t boottime_ms_int(void);

#endif
