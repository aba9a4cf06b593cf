/* The tables: every key of stele.json and of the YAML's state mapping.
 * builder/README.md, docs/design.md and supervisor/README.md describe
 * these rows; tests/schema/ checks that each key is there. */
#include "schema/schema.h"

#define SECONDS(lo)                                                                                \
	.type = SCHEMA_INT, .min = (lo), .max = SCHEMA_SECONDS_MAX,                                \
	.expected = "whole seconds, " #lo " to 86400"

static const char *const restart_values[] = {"always", "on-failure", "never", NULL};
static const char *const ready_values[] = {"running", "notify", NULL};
static const char *const on_failure_values[] = {"continue", "halt", "poweroff", NULL};
/* In the order of /proc/PID/ns/ names; hostlib/settings.h's enum ns_kind. */
static const char *const ns_values[] = {"net", "uts", "ipc", "pid", "mnt", "cgroup", "user", NULL};

const struct schema_field schema_name_field = {
    .key = "name",
    .type = SCHEMA_STR,
    .min = 1,
    .max = SCHEMA_NAME_MAX,
    .rule = SCHEMA_NAME,
    .expected = "a name of 1 to 63 letters, digits, '_', '.' or '-', not starting with '.'",
};

static const struct schema_field abs_path = {
    .key = "",
    .type = SCHEMA_STR,
    .min = 1,
    .max = 4095,
    .rule = SCHEMA_ABS_PATH,
    .expected = "an absolute path",
};

/* LinuxKit's runtime paths: absolute on the host, or relative to the
 * container's rootfs. */
static const struct schema_field host_or_rootfs_path = {
    .key = "",
    .type = SCHEMA_STR,
    .min = 1,
    .max = 4095,
    .expected = "a path: absolute on the host, or relative to the container's rootfs",
};

/* A cgroup v2 group under /sys/fs/cgroup. */
static const struct schema_field cgroup_name = {
    .key = "",
    .type = SCHEMA_STR,
    .min = 1,
    .max = 255,
    .expected = "a cgroup path under /sys/fs/cgroup, such as mygroup or a/b",
};

static const struct schema_field any_string = {
    .key = "",
    .type = SCHEMA_STR,
    .max = 4095,
    .expected = "a string",
};

static const struct schema_field mount_fields[] = {
    {.key = "type",
     .type = SCHEMA_STR,
     .min = 1,
     .max = 255,
     .required = true,
     .expected = "a filesystem type, such as tmpfs or overlay"},
    {.key = "source", .type = SCHEMA_STR, .max = 4095, .expected = "a string (default: the type)"},
    {.key = "destination",
     .type = SCHEMA_STR,
     .min = 1,
     .max = 4095,
     .required = true,
     .expected = "a path: absolute on the host, or relative to the container's rootfs"},
    {.key = "options",
     .type = SCHEMA_LIST,
     .max = 256,
     .item = &any_string,
     .expected = "a list of mount options"},
    {0},
};

static const struct schema_field mount = {
    .key = "",
    .type = SCHEMA_OBJ,
    .item = mount_fields,
    .expected = "a mount: {type, source, destination, options}",
};

static const struct schema_field interface_fields[] = {
    {.key = "name",
     .type = SCHEMA_STR,
     .min = 1,
     .max = SCHEMA_IFNAME_MAX,
     .required = true,
     .expected = "an interface name, 1 to 15 bytes"},
    {.key = "add",
     .type = SCHEMA_STR,
     .min = 1,
     .max = 15,
     .needs = "peer",
     .needs_if = "veth",
     .expected = "a link type: veth (with peer), wireguard, dummy, ... (or no add: move "
		 "an existing interface)"},
    {.key = "peer",
     .type = SCHEMA_STR,
     .min = 1,
     .max = SCHEMA_IFNAME_MAX,
     .expected = "an interface name, 1 to 15 bytes"},
    {.key = "createInRoot", .type = SCHEMA_BOOL, .expected = "true or false"},
    {0},
};

static const struct schema_field interface = {
    .key = "",
    .type = SCHEMA_OBJ,
    .item = interface_fields,
    .expected = "an interface: {name, add, peer, createInRoot}",
};

#define ONBOOT_HOOK_FIX                                                                            \
	"for onboot containers only: a service's task is not stopped between create and "          \
	"start; do it in an onboot container and give the service net: /run/netns/NAME"

static const struct schema_field runtime_fields[] = {
    {.key = "mkdir",
     .type = SCHEMA_LIST,
     .scope = SCHEMA_ALL,
     .max = 256,
     .item = &host_or_rootfs_path,
     .expected = "a list of paths (absolute, or relative to the container's rootfs)"},
    {.key = "mounts",
     .type = SCHEMA_LIST,
     .scope = SCHEMA_ALL,
     .max = 256,
     .item = &mount,
     .expected = "a list of mounts"},
    {.key = "interfaces",
     .type = SCHEMA_LIST,
     .scope = SCHEMA_ONBOOT,
     .scope_fix = ONBOOT_HOOK_FIX,
     .max = 64,
     .item = &interface,
     .expected = "a list of interfaces"},
    {.key = "bindNS",
     .type = SCHEMA_MAP,
     .scope = SCHEMA_ONBOOT,
     .scope_fix = ONBOOT_HOOK_FIX,
     .values = ns_values,
     .item = &abs_path,
     .expected = "a mapping of namespaces (net, uts, ipc, pid, mnt, cgroup, user) to absolute "
		 "paths"},
    {.key = "cgroups",
     .type = SCHEMA_LIST,
     .scope = SCHEMA_ALL,
     .max = 64,
     .item = &cgroup_name,
     .expected = "a list of cgroups to create under /sys/fs/cgroup"},
    {.key = "namespace",
     .type = SCHEMA_UNSUPPORTED,
     .scope = SCHEMA_ALL,
     .expected = "not supported: every service runs in the containerd namespace \"stele\"; "
		 "remove it"},
    {0},
};

const struct schema_field schema_bundle[] = {
    {.key = "restart",
     .type = SCHEMA_STR,
     .scope = SCHEMA_SERVICE,
     .scope_fix = "for services only: onboot containers use on_failure",
     .min = 1,
     .max = 15,
     .values = restart_values,
     .def = "always",
     .expected = "always, on-failure or never"},
    {.key = "depends_on",
     .type = SCHEMA_LIST,
     .scope = SCHEMA_SERVICE,
     .scope_fix = "for services only: onboot containers run in the order they are listed",
     .max = SCHEMA_DEPENDS_MAX,
     .item = &schema_name_field,
     .expected = "a list of at most 64 service names"},
    {.key = "ready",
     .type = SCHEMA_STR,
     .scope = SCHEMA_SERVICE,
     .scope_fix = "for services only: an onboot container is done when it exits",
     .min = 1,
     .max = 15,
     .values = ready_values,
     .def = "running",
     .expected = "running or notify"},
    {.key = "timeout",
     SECONDS(1),
     .scope = SCHEMA_ALL,
     .def_onboot = 60,
     .def_service = 60,
     .def = "60"},
    {.key = "grace",
     SECONDS(0),
     .scope = SCHEMA_ALL,
     .def_onboot = 10,
     .def_service = 10,
     .def = "10"},
    {.key = "on_failure",
     .type = SCHEMA_STR,
     .scope = SCHEMA_ONBOOT,
     .scope_fix = "for onboot and onshutdown containers only: services use restart",
     .min = 1,
     .max = 15,
     .values = on_failure_values,
     .rule = SCHEMA_RETRY,
     .def = "continue",
     .expected = "continue, retry:N (N 1 to 1000), halt or poweroff"},
    {.key = "console",
     .type = SCHEMA_BOOL,
     .scope = SCHEMA_ALL,
     .def_onboot = 1,
     .def_service = 0,
     .def = "true for onboot, false for services",
     .expected = "true or false"},
    {.key = "optional",
     .type = SCHEMA_BOOL,
     .scope = SCHEMA_SERVICE,
     .scope_fix = "for services only: userdata switches services, not onboot containers",
     .def = "false",
     .expected = "true or false"},
    {.key = "restart_limit",
     .type = SCHEMA_INT,
     .scope = SCHEMA_SERVICE,
     .scope_fix = "for services only: onboot containers use on_failure: retry:N",
     .min = 1,
     .max = SCHEMA_RESTART_LIMIT_MAX,
     .def_service = 5,
     .def = "5",
     .expected = "a count of failures, 1 to 64"},
    {.key = "restart_window",
     SECONDS(1),
     .scope = SCHEMA_SERVICE,
     .scope_fix = "for services only: onboot containers use on_failure: retry:N",
     .def_service = 60,
     .def = "60"},
    {.key = "backoff_max",
     SECONDS(1),
     .scope = SCHEMA_SERVICE,
     .scope_fix = "for services only: onboot containers use on_failure: retry:N",
     .def_service = 60,
     .def = "60"},
    {.key = "pids",
     .type = SCHEMA_INT,
     .scope = SCHEMA_SERVICE,
     .scope_fix = "for services only: onboot containers run to completion",
     .min = 1,
     .max = SCHEMA_PIDS_MAX,
     .def_service = 4096,
     .def = "4096",
     .expected = "a number of processes (the cgroup's pids.max), 1 to 4194304"},
    {.key = "binds_state",
     .type = SCHEMA_BOOL,
     .scope = SCHEMA_ALL,
     .generated = true,
     .def = "false",
     .expected = "true or false"},
    {.key = "runtime",
     .type = SCHEMA_OBJ,
     .scope = SCHEMA_ALL,
     .item = runtime_fields,
     .expected = "a mapping of mkdir, mounts, cgroups, interfaces and bindNS"},
    {0},
};

static const char *const fs_values[] = {"ext4", "ext3", "ext2", NULL};
static const char *const device_values[] = {"auto", "none", NULL};
static const char *const fsck_fail_values[] = {"ro", "none", NULL};

const struct schema_field schema_state[] = {
    {.key = "device",
     .conf_key = "state",
     .type = SCHEMA_STR,
     .min = 1,
     .max = SCHEMA_CONF_TEXT_MAX,
     .values = device_values,
     .rule = SCHEMA_DEVICE,
     .def = "none",
     .expected = "a device: /dev/PATH, LABEL=x, UUID=x, auto or none"},
    {.key = "fs",
     .conf_key = "state_fs",
     .type = SCHEMA_STR,
     .min = 1,
     .max = 15,
     .values = fs_values,
     .def = "ext4",
     .expected = "ext4, ext3 or ext2"},
    {.key = "label",
     .conf_key = "state_label",
     .type = SCHEMA_STR,
     .min = 1,
     .max = 16,
     .def = "stele-state",
     .expected = "a filesystem label of 1 to 16 bytes"},
    {.key = "mountpoint",
     .conf_key = "state_mountpoint",
     .type = SCHEMA_STR,
     .min = 2,
     .max = SCHEMA_CONF_TEXT_MAX,
     .rule = SCHEMA_MOUNTPOINT,
     .def = "/var/lib",
     .expected = "an absolute path other than /, without .."},
    {.key = "options",
     .conf_key = "state_options",
     .type = SCHEMA_STR,
     .max = SCHEMA_CONF_TEXT_MAX,
     .def = "noatime",
     .expected = "mount options, at most 255 bytes"},
    {.key = "required",
     .conf_key = "state_required",
     .type = SCHEMA_BOOL,
     .def = "false",
     .expected = "true or false"},
    {.key = "force",
     .conf_key = "state_force",
     .type = SCHEMA_STR,
     .min = 2,
     .max = SCHEMA_CONF_TEXT_MAX,
     .rule = SCHEMA_ABS_PATH,
     .def = "none",
     .expected = "one device path, such as /dev/vdb"},
    {.key = "wait",
     .conf_key = "state_wait",
     .type = SCHEMA_INT,
     .min = 0,
     .max = 3600,
     .def_onboot = 10,
     .def_service = 10,
     .def = "10",
     .expected = "whole seconds, 0 to 3600"},
    {.key = "fsck_fail",
     .conf_key = "state_fsck_fail",
     .type = SCHEMA_STR,
     .min = 1,
     .max = 15,
     .values = fsck_fail_values,
     .def = "ro",
     .expected = "ro or none"},
    {0},
};

/* containers: how the package rootfses under /containers ship, in
 * init.conf as containers_layout=, which stage 1 reads
 * (boot/containers.h): cpio, unpacked by the kernel with the rest of the
 * initramfs, or erofs, one compressed read-only image that stage 1 mounts
 * on /containers. */
static const char *const layout_values[] = {"cpio", "erofs", NULL};

const struct schema_field schema_containers[] = {
    {.key = "layout",
     .conf_key = "containers_layout",
     .type = SCHEMA_STR,
     .min = 1,
     .max = 15,
     .values = layout_values,
     .def = "cpio",
     .expected = "cpio or erofs"},
    {0},
};

/* update: in init.conf as update_healthy_after=, which stelectl update
 * --boot reads (update/README.md). */
const struct schema_field schema_update[] = {
    {.key = "healthy_after",
     .conf_key = "update_healthy_after",
     .type = SCHEMA_INT,
     .min = 0,
     .max = 86400,
     .def_onboot = 60,
     .def_service = 60,
     .def = "60",
     .expected = "whole seconds, 0 to 86400"},
    {0},
};

/* watchdog: in init.conf as watchdog= and watchdog_timeout=, which stage 1
 * hands to stele-pid1 (pid1/watchdog.h). */
const struct schema_field schema_watchdog[] = {
    {.key = "device",
     .conf_key = "watchdog",
     .type = SCHEMA_STR,
     .min = 2,
     .max = SCHEMA_CONF_TEXT_MAX,
     .rule = SCHEMA_ABS_PATH,
     .def = "/dev/watchdog0",
     .expected = "a device path, such as /dev/watchdog0"},
    {.key = "timeout",
     .conf_key = "watchdog_timeout",
     .type = SCHEMA_INT,
     .min = 1,
     .max = SCHEMA_WATCHDOG_TIMEOUT_MAX,
     .def_onboot = 30,
     .def_service = 30,
     .def = "30",
     .expected = "whole seconds, 1 to 3600"},
    {0},
};
