#include "pid1/powerbutton.h"

#include "lib/log.h"
#include "pid1/kernel_abi.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static bool is_power_button(int fd)
{
	char name[64] = "";
	if (ioctl(fd, ABI_EVIOCGNAME(sizeof name - 1), name) < 0)
		return false;
	return strcmp(name, POWER_BUTTON_NAME) == 0;
}

/* An fd on the device, or -1 when it is not a power button. */
static int open_if_power_button(int dirfd, const char *entry)
{
	int fd = openat(dirfd, entry, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (!is_power_button(fd)) {
		close(fd);
		return -1;
	}
	log_info("power button: " INPUT_DEVICES_PATH "/%s", entry);
	return fd;
}

int power_buttons_open(struct power_buttons *buttons)
{
	buttons->count = 0;
	DIR *dir = opendir(INPUT_DEVICES_PATH);
	if (!dir) {
		log_debug("power button: " INPUT_DEVICES_PATH ": %s (modules button and evdev?)",
			  strerror(errno));
		return 0;
	}
	struct dirent *e;
	while ((e = readdir(dir)) && buttons->count < POWER_BUTTONS_MAX) {
		if (strncmp(e->d_name, "event", 5) != 0)
			continue;
		int fd = open_if_power_button(dirfd(dir), e->d_name);
		if (fd >= 0)
			buttons->fd[buttons->count++] = fd;
	}
	closedir(dir);
	if (buttons->count == 0)
		log_debug("power button: none in " INPUT_DEVICES_PATH);
	return buttons->count;
}

int power_button_read(int fd)
{
	struct abi_input_event events[8];
	int pressed = 0;
	for (;;) {
		ssize_t n = read(fd, events, sizeof events);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return pressed;
		if (n <= 0)
			return pressed ? 1 : -1; /* the next read says it again */
		for (size_t i = 0; i < (size_t)n / sizeof *events; i++)
			if (events[i].type == ABI_EV_KEY && events[i].code == ABI_KEY_POWER &&
			    events[i].value == 1)
				pressed = 1;
	}
}
