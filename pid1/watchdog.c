#include "pid1/watchdog.h"

#include "lib/bounded_call.h"

#include "lib/log.h"
#include "pid1/kernel_abi.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int wd_fd = -1;
static int wd_timeout_s;

int watchdog_arm(const char *path, int timeout_s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		log_err("watchdog %s: %s: running without one (load its driver with `modules`, "
			"or unset `watchdog`)",
			path, strerror(errno));
		return -1;
	}
	int asked = timeout_s;
	if (ioctl(fd, ABI_WDIOC_SETTIMEOUT, &timeout_s) < 0) {
		log_warn("watchdog %s: cannot set a timeout of %d s: %s: keeping the driver's",
			 path, asked, strerror(errno));
		if (ioctl(fd, ABI_WDIOC_GETTIMEOUT, &timeout_s) < 0 || timeout_s <= 0) {
			/* Unknown: pet often enough for the shortest sane one. */
			timeout_s = 3;
		}
	}
	wd_fd = fd;
	bounded_call_set_tick(watchdog_pet); /* a slow sync or unmount is no hang */
	wd_timeout_s = timeout_s;
	watchdog_pet();
	log_info("watchdog %s armed: %d s, petted every %d ms", path, timeout_s,
		 watchdog_period_ms());
	return 0;
}

int watchdog_period_ms(void)
{
	return wd_fd < 0 ? 0 : wd_timeout_s * 1000 / 3;
}

void watchdog_pet(void)
{
	int unused = 0;
	if (wd_fd >= 0)
		ioctl(wd_fd, ABI_WDIOC_KEEPALIVE, &unused);
}

int watchdog_pass_on(void)
{
	if (wd_fd < 0 || fcntl(wd_fd, F_SETFD, 0) < 0)
		return -1;
	return wd_fd;
}

int watchdog_adopt(const char *fd_text)
{
	char *end;
	long fd = strtol(fd_text, &end, 10);
	if (*end || end == fd_text || fd < 3 || fd > 1024 ||
	    fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0) {
		log_err(WATCHDOG_FD_OPTION " %s: not an open fd: the watchdog is left as it is",
			fd_text);
		return -1;
	}
	wd_fd = (int)fd;
	bounded_call_set_tick(watchdog_pet);
	if (ioctl(wd_fd, ABI_WDIOC_GETTIMEOUT, &wd_timeout_s) < 0)
		wd_timeout_s = 0;
	watchdog_pet();
	return 0;
}

void watchdog_finish(enum shutdown_kind kind)
{
	if (wd_fd < 0)
		return;
	if (kind == SHUTDOWN_REBOOT) {
		watchdog_pet();
		log_debug("watchdog: left armed for the reboot");
		return;
	}
	static const char magic = ABI_WATCHDOG_MAGIC_CLOSE;
	if (write(wd_fd, &magic, 1) != 1)
		log_err("watchdog: magic close: %s: it may reset the host", strerror(errno));
	close(wd_fd);
	wd_fd = -1;
	log_debug("watchdog: disarmed for %s", shutdown_kind_name(kind));
}
