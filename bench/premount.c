/* stele-premount: the bench's prototype of container rootfses on a
 * compressed read-only image instead of in the initramfs (bench/README.md,
 * section initramfs).
 *
 * stele-pid1 execs it in place of the supervisor (kernel command line
 * stele.supervisor=/sbin/stele-premount). It reads PREMOUNT_CONF, one line
 * "DEVICE DIR FSTYPE", waits up to 10 s for DEVICE, mounts it read-only on
 * DIR unless DIR is a mount already (a restarted supervisor), marks the
 * boot timeline (phase "premount", start and end), then execs
 * /sbin/stele-supervisor. Every failure is one line on stderr, and the
 * supervisor is exec'd anyway: the boot shows what is missing. In a real
 * implementation this would be a phase of stage 1 after `modules`. */
#include "lib/log.h"
#include "lib/timeline.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PREMOUNT_CONF "/etc/bench/premount"
#define SUPERVISOR    "/sbin/stele-supervisor"

static int wait_for(const char *device)
{
	struct timespec tick = {0, 50 * 1000 * 1000};
	for (int i = 0; i < 200; i++) {
		if (access(device, F_OK) == 0)
			return 0;
		nanosleep(&tick, NULL);
	}
	return -1;
}

static int is_mount(const char *dir)
{
	struct stat here, up;
	char parent[PATH_MAX + 4];
	snprintf(parent, sizeof parent, "%s/..", dir);
	return stat(dir, &here) == 0 && stat(parent, &up) == 0 && here.st_dev != up.st_dev;
}

static void premount(void)
{
	FILE *f = fopen(PREMOUNT_CONF, "re");
	if (!f) {
		log_err("%s: %s", PREMOUNT_CONF, strerror(errno));
		return;
	}
	char device[256], dir[256], fstype[32];
	int n = fscanf(f, "%255s %255s %31s", device, dir, fstype);
	fclose(f);
	if (n != 3) {
		log_err("%s: expected one line DEVICE DIR FSTYPE", PREMOUNT_CONF);
		return;
	}
	if (is_mount(dir))
		return;
	timeline_mark("bench", "phase", "premount", "start");
	if (wait_for(device) < 0)
		log_err("%s did not appear in 10 s", device);
	else if (mount(device, dir, fstype, MS_RDONLY, NULL) < 0)
		log_err("mount %s on %s (%s): %s", device, dir, fstype, strerror(errno));
	timeline_mark("bench", "phase", "premount", "end");
}

int main(int argc, char **argv)
{
	log_init_host("stele-premount");
	(void)argc;
	premount();
	argv[0] = SUPERVISOR;
	execv(SUPERVISOR, argv);
	log_err("cannot run %s: %s", SUPERVISOR, strerror(errno));
	return 127;
}
