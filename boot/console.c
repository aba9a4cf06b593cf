#include "boot/console.h"

#include "pid1/crash.h"
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* The kernel opens /dev/console for init when the node exists in the
 * initramfs: that node was left behind by the move to the tmpfs root.
 * Reopen it from devtmpfs, and open it where the kernel left 0-2 closed;
 * anything else (a test's log file) stays. */
static bool wants_console(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return errno == EBADF;
	return S_ISCHR(st.st_mode) && st.st_rdev == makedev(5, 1);
}

static int reopen_console_stdio(void)
{
	int console = -1;
	for (int fd = 0; fd <= 2; fd++) {
		if (!wants_console(fd))
			continue;
		if (console < 0)
			console = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (console < 0)
			return -1;
		/* dup2 leaves the copy without O_CLOEXEC: children get 0-2. */
		if (console != fd && dup2(console, fd) < 0)
			return -1;
	}
	if (console > 2)
		close(console);
	else if (console >= 0 && fcntl(console, F_SETFD, 0) < 0)
		return -1;
	return 0;
}

/* /dev/kmsg rate-limits its writers by default (10 lines in 5 s) and
 * drops the rest silently: PID 1's log must not lose lines. The command
 * line's printk.devkmsg= locks the setting; the kernel then refuses. */
static void unlimit_kmsg(void)
{
	int fd = open("/proc/sys/kernel/printk_devkmsg", O_WRONLY | O_CLOEXEC);
	/* The kernel wants the newline: "on" alone is EINVAL. */
	if (fd < 0 || write(fd, "on\n", 3) != 3)
		log_debug("kernel.printk_devkmsg=on: %s: /dev/kmsg stays rate-limited",
			  strerror(errno));
	if (fd >= 0)
		close(fd);
}

void console_apply(const struct settings *settings)
{
	if (settings_debug(settings))
		log_set_level(LOG_DEBUG);
	if (settings_quiet(settings))
		log_set_console_level(LOG_NOTICE);
	crash_install(settings_crash(settings));
}

int console_phase(struct settings *settings)
{
	int problems = settings_load(settings, INIT_CONF_PATH, CMDLINE_PATH);
	console_apply(settings);
	unlimit_kmsg();
	if (reopen_console_stdio() < 0) {
		log_err("stdio on /dev/console: %s", strerror(errno));
		problems++;
	}
	for (size_t i = 0; i < settings->count; i++)
		log_debug("setting %s=%s", settings->items[i].key, settings->items[i].value);
	return problems;
}
