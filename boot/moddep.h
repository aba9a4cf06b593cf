/* moddep: which kernel modules to load, in which order, from modules.dep.
 *
 * Contract: moddep_resolve() takes the text of modules.dep (lines
 * "kernel/a/x.ko: kernel/b/y.ko ...", as depmod writes them) and the
 * names asked for, and builds a plan: every module needed, each once,
 * every dependency before its users. Names compare the way the kernel
 * does ("virtio-pci" is "virtio_pci"). A name listed in modules.builtin
 * (may be NULL) is built in: left out, no error. A name found nowhere, or
 * a dependency cycle, is reported in one line naming the modules; the
 * modules that need it are left out (and reported), the rest is planned.
 * Returns the number of problems, or -1 when out of memory. */
#ifndef STELE_INIT_MODDEP_H
#define STELE_INIT_MODDEP_H

#include <stdbool.h>
#include <stddef.h>

#define MODULE_NAME_MAX 64

struct module_step {
	char name[MODULE_NAME_MAX];
	char *path;   /* as modules.dep has it: relative to /lib/modules/VER */
	size_t *deps; /* indices of this plan's steps it needs */
	size_t ndeps;
};

struct module_plan {
	struct module_step *steps;
	size_t count;
};

int moddep_resolve(const char *dep_text, const char *builtin_text, const char *const *names,
		   size_t nnames, struct module_plan *plan);
void module_plan_free(struct module_plan *plan);

/* "drivers/x/virtio-pci.ko.xz" -> "virtio_pci". */
void module_name_of(const char *path, size_t len, char *name, size_t size);

#endif
