#include "console.h"

#include "crash.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* The kernel opens /dev/console for init when the node exists in the
 * initramfs; without it init starts with nothing on 0-2. */
static int open_missing_stdio(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		int console = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (console < 0)
			return -1;
		/* dup2 drops O_CLOEXEC: children must get these three. */
		if (console != fd && (dup2(console, fd) < 0 || close(console) < 0))
			return -1;
		if (console == fd && fcntl(fd, F_SETFD, 0) < 0)
			return -1;
	}
	return 0;
}

int console_phase(struct settings *settings)
{
	int problems = settings_load(settings, INIT_CONF_PATH, CMDLINE_PATH);
	if (settings_debug(settings))
		log_set_level(LOG_DEBUG);
	if (settings_quiet(settings))
		log_set_console_level(LOG_NOTICE);
	if (open_missing_stdio() < 0) {
		log_err("stdio on /dev/console: %s", strerror(errno));
		problems++;
	}
	crash_install(settings_crash(settings));
	for (size_t i = 0; i < settings->count; i++)
		log_debug("setting %s=%s", settings->items[i].key, settings->items[i].value);
	return problems;
}
