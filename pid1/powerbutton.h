/* powerbutton: the ACPI power button, as the kernel's input layer shows
 * it: the `button` module's "Power Button" devices, read through
 * `evdev`'s /dev/input/eventN. It is what qemu's system_powerdown, a
 * cloud's "stop instance" and a hypervisor's shutdown press.
 *
 * Contract: power_buttons_open() opens (read-only, non-blocking,
 * O_CLOEXEC) every /dev/input/eventN whose name is "Power Button", at most
 * POWER_BUTTONS_MAX, logs each at info level, and returns how many; none
 * is no error (no ACPI, or the modules are missing: one debug line). Only
 * the devices present when it runs are watched: stage 1 loads the modules
 * before PID 1's loop starts. power_button_read() drains one device:
 * 1 when a press of KEY_POWER was among its events, 0 when not, -1 when
 * the device is gone or unreadable (the caller closes it). */
#ifndef STELE_PID1_POWERBUTTON_H
#define STELE_PID1_POWERBUTTON_H

#define POWER_BUTTONS_MAX  4
#define POWER_BUTTON_NAME  "Power Button"
#define INPUT_DEVICES_PATH "/dev/input"

struct power_buttons {
	int fd[POWER_BUTTONS_MAX];
	int count;
};

int power_buttons_open(struct power_buttons *buttons);
int power_button_read(int fd);

#endif
