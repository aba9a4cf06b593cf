/* containers: the erofs layout's mount (containers.h). */
#include "boot/containers.h"

#include "lib/bounded_call.h"
#include "lib/log.h"
#include "schema/schema.h"

#include <errno.h>
#include <libmount/libmount.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static bool is_mount(const char *dir)
{
	struct stat here, root;
	return stat(dir, &here) == 0 && stat("/", &root) == 0 && here.st_dev != root.st_dev;
}

/* In the child: libmount's loop setup and the mount; errno on failure. */
static int mount_image(void *arg)
{
	(void)arg;
	struct libmnt_context *cxt = mnt_new_context();
	if (!cxt)
		return errno = ENOMEM, -1;
	int rc = mnt_context_set_source(cxt, CONTAINERS_IMAGE) ||
		 mnt_context_set_target(cxt, CONTAINERS_DIR) ||
		 mnt_context_set_fstype(cxt, "erofs") ||
		 mnt_context_set_options(cxt, "ro,loop") || mnt_context_mount(cxt);
	int err = rc < 0 ? -rc : rc ? mnt_context_get_syscall_errno(cxt) : 0;
	mnt_free_context(cxt);
	if (rc == 0)
		return 0;
	errno = err > 0 ? err : EINVAL;
	return -1;
}

int containers_phase(struct settings *settings)
{
	const struct schema_field *f = schema_find(schema_containers, "layout");
	const char *layout = settings_get(settings, f->conf_key, f->def);
	if (!schema_conf_ok(f, layout)) {
		char why[300];
		log_err("%s: %s", f->conf_key,
			schema_problem(SCHEMA_VALUE, f, layout, why, sizeof why));
		return -1;
	}
	if (strcmp(layout, "erofs") != 0 || is_mount(CONTAINERS_DIR))
		return 0;
	const char *fix = "(the kernel needs the loop and erofs modules; or build with "
			  "containers.layout: cpio)";
	switch (bounded_call(mount_image, NULL, CONTAINERS_MOUNT_TIMEOUT_MS)) {
	case BOUNDED_DONE:
		log_info("mounted %s on %s (erofs, read-only)", CONTAINERS_IMAGE, CONTAINERS_DIR);
		return 0;
	case BOUNDED_TIMED_OUT:
		log_err("%s: mounting on %s did not finish in %d s; services cannot start %s",
			CONTAINERS_IMAGE, CONTAINERS_DIR, CONTAINERS_MOUNT_TIMEOUT_MS / 1000, fix);
		return -1;
	default:
		log_err("%s: cannot mount on %s (erofs, loop): %s; services cannot start %s",
			CONTAINERS_IMAGE, CONTAINERS_DIR, strerror(errno), fix);
		return -1;
	}
}
