/* modules: load the kernel modules the image names.
 *
 * Contract: modules_phase() reads the `modules` key (space-separated
 * names; unset means MODULES_DEFAULT, empty means none), resolves them
 * against /lib/modules/$(uname -r)/modules.dep (moddep.h) and loads each
 * with finit_module(2), dependencies first. A module already loaded is
 * fine. One that fails is reported by name with the kernel's errno, the
 * modules that need it are skipped (reported), and the rest go on. An
 * image without modules.dep is fine when `modules` is unset (a kernel
 * with everything built in, or a container test). Returns the number of
 * modules that could not be loaded. */
#ifndef STELE_INIT_MODULES_H
#define STELE_INIT_MODULES_H

#include "boot/moddep.h"
#include "boot/settings.h"

/* button and evdev: the ACPI power button, read by PID 1's loop. */
#define MODULES_DEFAULT                                                                            \
	"virtio_pci virtio_blk virtio_net virtio_console qemu_fw_cfg isofs button evdev"

int modules_phase(struct settings *settings);

/* Load a plan's modules from dir (the /lib/modules/VER directory).
 * Returns the number of modules not loaded (each reported). */
int modules_load(const struct module_plan *plan, const char *dir);

#endif
