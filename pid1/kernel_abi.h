/* kernel_abi: the few constants and structures of the kernel's user ABI
 * that PID 1 needs from <linux/input.h> and <linux/watchdog.h>. Debian's
 * musl has no kernel headers (linux/...), and these never change (they are ABI), so they
 * are spelt out here, with the names the kernel's headers use. */
#ifndef STELE_PID1_KERNEL_ABI_H
#define STELE_PID1_KERNEL_ABI_H

#include <stdint.h>
#include <sys/ioctl.h>

/* <linux/input.h>, <linux/input-event-codes.h> */
#define ABI_EV_KEY	    0x01
#define ABI_KEY_POWER	    116
#define ABI_EVIOCGNAME(len) _IOC(_IOC_READ, 'E', 0x06, len)

/* struct input_event: the time is two longs on every architecture, as a
 * struct timeval (64-bit) or __sec/__usec (32-bit). */
struct abi_input_event {
	unsigned long sec;
	unsigned long usec;
	uint16_t type;
	uint16_t code;
	int32_t value;
};

/* <linux/watchdog.h> */
#define ABI_WDIOC_KEEPALIVE  _IOR('W', 5, int)
#define ABI_WDIOC_SETTIMEOUT _IOWR('W', 6, int)
#define ABI_WDIOC_GETTIMEOUT _IOR('W', 7, int)
/* Written before close, it stops a watchdog whose driver allows it. */
#define ABI_WATCHDOG_MAGIC_CLOSE 'V'

#endif
