// sources: boot/moddep.c boot/modules.c boot/settings.c boot/readfile.c pid1/testfault.c lib/log.c
/* modules: modules.dep resolution (order, sharing, cycles, unknown and
 * built-in names) and loading when files are missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "boot/moddep.h"
#include "boot/modules.h"
#include "lib/log.h"

#include <string.h>

/* A slice of Debian 6.1's modules.dep, plus a cycle and a missing dep. */
static const char dep[] =
    "kernel/drivers/virtio/virtio_ring.ko:\n"
    "kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko\n"
    "kernel/drivers/virtio/virtio_pci_legacy_dev.ko:\n"
    "kernel/drivers/virtio/virtio_pci_modern_dev.ko:\n"
    "kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko "
    "kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko "
    "kernel/drivers/virtio/virtio_ring.ko\n"
    "kernel/net/core/failover.ko:\n"
    "kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko\n"
    "kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko "
    "kernel/net/core/failover.ko kernel/drivers/virtio/virtio.ko "
    "kernel/drivers/virtio/virtio_ring.ko\n"
    "kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko "
    "kernel/drivers/virtio/virtio_ring.ko\n"
    "kernel/drivers/cdrom/cdrom.ko:\n"
    "kernel/fs/isofs/isofs.ko: kernel/drivers/cdrom/cdrom.ko\n"
    "kernel/drivers/firmware/qemu-fw-cfg.ko.xz:\n"
    "extra/a.ko: extra/b.ko\n"
    "extra/b.ko: extra/c.ko\n"
    "extra/c.ko: extra/a.ko\n"
    "extra/needs_ghost.ko: extra/ghost_dep.ko\n";

static const char builtin[] = "kernel/fs/ext4/ext4.ko\nkernel/fs/binfmt_script.ko\n";

static long index_of(const struct module_plan *p, const char *name)
{
	for (size_t i = 0; i < p->count; i++)
		if (strcmp(p->steps[i].name, name) == 0)
			return (long)i;
	return -1;
}

static void dependencies_come_first_each_once(void **state)
{
	const char *names[] = {"virtio_net", "virtio-pci", "virtio_blk", "isofs"};
	struct module_plan plan = {0};
	assert_int_equal(moddep_resolve(dep, builtin, names, 4, &plan), 0);
	/* virtio_ring, virtio, legacy, modern, pci, failover, net_failover,
	 * virtio_net, virtio_blk, cdrom, isofs: 11, no duplicates. */
	assert_int_equal(plan.count, 11);
	assert_true(index_of(&plan, "virtio_ring") < index_of(&plan, "virtio"));
	assert_true(index_of(&plan, "virtio_ring") < index_of(&plan, "virtio_pci"));
	assert_true(index_of(&plan, "virtio") < index_of(&plan, "virtio_pci"));
	assert_true(index_of(&plan, "virtio_pci_modern_dev") < index_of(&plan, "virtio_pci"));
	assert_true(index_of(&plan, "failover") < index_of(&plan, "net_failover"));
	assert_true(index_of(&plan, "net_failover") < index_of(&plan, "virtio_net"));
	assert_true(index_of(&plan, "virtio") < index_of(&plan, "virtio_blk"));
	assert_true(index_of(&plan, "cdrom") < index_of(&plan, "isofs"));
	long pci = index_of(&plan, "virtio_pci");
	assert_int_equal(plan.steps[pci].ndeps, 4);
	assert_string_equal(plan.steps[pci].path, "kernel/drivers/virtio/virtio_pci.ko");
	module_plan_free(&plan);
}

static void names_compare_like_the_kernel(void **state)
{
	const char *names[] = {"qemu_fw_cfg"};
	struct module_plan plan = {0};
	assert_int_equal(moddep_resolve(dep, builtin, names, 1, &plan), 0);
	assert_int_equal(plan.count, 1);
	assert_string_equal(plan.steps[0].path, "kernel/drivers/firmware/qemu-fw-cfg.ko.xz");
	module_plan_free(&plan);
}

static void builtin_is_not_an_error(void **state)
{
	const char *names[] = {"ext4", "isofs"};
	struct module_plan plan = {0};
	assert_int_equal(moddep_resolve(dep, builtin, names, 2, &plan), 0);
	assert_int_equal(plan.count, 2); /* cdrom, isofs */
	module_plan_free(&plan);
}

static void unknown_name_is_reported_rest_planned(void **state)
{
	const char *names[] = {"no_such_module", "cdrom"};
	struct module_plan plan = {0};
	assert_int_equal(moddep_resolve(dep, builtin, names, 2, &plan), 1);
	assert_int_equal(plan.count, 1);
	assert_string_equal(plan.steps[0].name, "cdrom");
	module_plan_free(&plan);
}

static void missing_dependency_leaves_user_out(void **state)
{
	const char *names[] = {"needs_ghost", "cdrom"};
	struct module_plan plan = {0};
	/* ghost_dep is unknown, needs_ghost is left out: two problems. */
	assert_int_equal(moddep_resolve(dep, NULL, names, 2, &plan), 2);
	assert_int_equal(plan.count, 1);
	assert_int_equal(index_of(&plan, "needs_ghost"), -1);
	module_plan_free(&plan);
}

static void cycles_are_reported_and_end(void **state)
{
	const char *names[] = {"a", "cdrom"};
	struct module_plan plan = {0};
	int problems = moddep_resolve(dep, NULL, names, 2, &plan);
	assert_true(problems >= 1);
	assert_int_equal(index_of(&plan, "a"), -1);
	assert_int_equal(index_of(&plan, "b"), -1);
	assert_int_equal(index_of(&plan, "c"), -1);
	assert_int_equal(index_of(&plan, "cdrom"), 0);
	module_plan_free(&plan);
}

/* Loading from a directory without the .ko files: each missing file is
 * reported, the modules needing it are skipped, the count is right. No
 * finit_module(2) call can happen: every open fails first. */
static void missing_files_fail_and_skip_their_users(void **state)
{
	const char *names[] = {"virtio_net", "cdrom"};
	struct module_plan plan = {0};
	assert_int_equal(moddep_resolve(dep, NULL, names, 2, &plan), 0);
	assert_int_equal(plan.count, 6);
	assert_int_equal(modules_load(&plan, "/nonexistent/lib/modules/0"), 6);
	module_plan_free(&plan);
}

static void module_names_from_paths(void **state)
{
	char name[MODULE_NAME_MAX];
	const char *path = "kernel/drivers/virtio/virtio-pci.ko.zst";
	module_name_of(path, strlen(path), name, sizeof name);
	assert_string_equal(name, "virtio_pci");
	module_name_of("isofs", 5, name, sizeof name);
	assert_string_equal(name, "isofs");
}

int main(void)
{
	log_set_kmsg(false);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(dependencies_come_first_each_once),
	    cmocka_unit_test(names_compare_like_the_kernel),
	    cmocka_unit_test(builtin_is_not_an_error),
	    cmocka_unit_test(unknown_name_is_reported_rest_planned),
	    cmocka_unit_test(missing_dependency_leaves_user_out),
	    cmocka_unit_test(cycles_are_reported_and_end),
	    cmocka_unit_test(missing_files_fail_and_skip_their_users),
	    cmocka_unit_test(module_names_from_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
