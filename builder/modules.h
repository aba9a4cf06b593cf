/* modules: kernel modules and their dependencies, from modules.dep.
 *
 * Contract: modules_stage() copies the named modules (names as modprobe
 * takes them, '-' and '_' alike) and everything they depend on from
 * SRC (a /lib/modules/VERSION folder) to TREE/lib/modules/VERSION, and
 * writes a modules.dep there holding exactly the copied modules' lines,
 * in SRC's order (depmod's format; modules.builtin is copied too). A name
 * that is neither a module nor built in is an error naming it. */
#ifndef STELE_CONFIG_MODULES_H
#define STELE_CONFIG_MODULES_H

#include <jansson.h>
#include <stdbool.h>

int modules_stage(const char *src, const char *version, const json_t *names, const char *tree);

/* Adds to names the modules every image gets when SRC has them as
 * modules: `button` and `evdev`, through which PID 1 sees the ACPI power
 * button (pid1/powerbutton.h). Nothing when SRC lacks modules.dep or
 * names has them already. With slots (a disk with an ESP of A/B slots):
 * vfat, nls_cp437, nls_ascii, efivarfs too, for stelectl update. With
 * erofs (containers.layout erofs): loop and erofs. Each string of
 * link_kinds (the `add:` of runtime.interfaces: veth, wireguard, ...; NULL
 * for none) that SRC has as a module of that name. 0, or -1 when out of
 * memory. */
int modules_add_defaults(const char *src, json_t *names, bool slots, bool erofs,
			 const json_t *link_kinds);

#endif
