#include "update/install.h"

#include "lib/error.h"
#include "lib/fdio.h"
#include "lib/spawn.h"
#include "update/esp.h"
#include "update/slots.h"
#include "update/teststop.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#define SBVERIFY    "/usr/bin/sbverify"
#define ESP_MARGIN  (64 * 1024) /* FAT entries and rounding */
#define VERIFY_SECS 30

/* sbverify --cert UPDATE_CERT FILE, bounded; 0 when it accepts. */
static int verify_signature(const char *file, char *err, size_t len)
{
	if (access(UPDATE_CERT, R_OK) < 0)
		return 0; /* the running image is not signed */
	if (access(SBVERIFY, X_OK) < 0)
		return set_error(err, len,
				 "%s: missing, cannot check the signature the image requires",
				 SBVERIFY);
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	struct spawn_opts o = SPAWN_OPTS_DEFAULT;
	o.stdout_fd = o.stderr_fd = null;
	char *argv[] = {SBVERIFY, "--cert", UPDATE_CERT, (char *)file, NULL};
	pid_t pid = spawn(SBVERIFY, argv, &o);
	if (null >= 0)
		close(null);
	if (pid < 0)
		return set_error(err, len, "%s: %s", SBVERIFY, strerror(errno));
	int status = -1;
	for (int i = 0; i < VERIFY_SECS * 10; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			break;
		usleep(100000);
		status = -1;
	}
	if (status == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return set_error(err, len, "sbverify did not finish in %d s", VERIFY_SECS);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return set_error(
		    err, len,
		    "not signed with this image's key (sbverify --cert %s refuses it): "
		    "sign it with the key the image was built with",
		    UPDATE_CERT);
	return 0;
}

static int copy_fd(int in, int out)
{
	char buf[65536];
	if (lseek(in, 0, SEEK_SET) < 0)
		return -1;
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return (int)n;
		if (write_all(out, buf, (size_t)n) < 0)
			return -1;
	}
}

static void slot_path(const char *file, char *out, size_t len)
{
	snprintf(out, len, ESP_MOUNT "/" SLOTS_DIR "/%s", file);
}

static unsigned long long file_bytes(const char *name)
{
	char p[PATH_MAX];
	struct stat st;
	slot_path(name, p, sizeof p);
	return stat(p, &st) == 0 ? (unsigned long long)st.st_blocks * 512 : 0;
}

/* Free bytes once the inactive slot's old file is gone. */
static unsigned long long room(const struct slot *target)
{
	struct statvfs sv;
	if (statvfs(ESP_MOUNT, &sv) < 0)
		return 0;
	unsigned long long free_b = (unsigned long long)sv.f_bavail * sv.f_frsize;
	return target->state != SLOT_EMPTY ? free_b + file_bytes(target->file) : free_b;
}

/* What a write cut short left under the temporary name: vfat frees its
 * clusters only when the file goes (its size on disk may be 0, its chain
 * is the preallocated one of write_slot). */
static void remove_leftover(char letter)
{
	char name[64], p[PATH_MAX];
	snprintf(name, sizeof name, SLOT_PREFIX "%c.tmp", letter);
	slot_path(name, p, sizeof p);
	if (unlink(p) == 0)
		fsync_dir(ESP_MOUNT "/" SLOTS_DIR);
}

/* Room for size bytes in the target slot, once what a cut write left is
 * gone (the one write a refusal makes: removing that debris). */
static bool fits(const struct slot *target, off_t size, unsigned long long *free_b)
{
	remove_leftover(target->letter);
	*free_b = room(target);
	return (unsigned long long)size + ESP_MARGIN <= *free_b;
}

struct plan {
	struct slot s[2];
	char running;
	struct slot *target;
};

/* The running slot first: a host not started by systemd-boot from a
 * slot has no ESP of ours to mount. */
static int plan_slots(struct plan *p, char *err, size_t len)
{
	p->running = slot_running();
	if (!p->running)
		return set_error(err, len,
				 "cannot tell which slot is running (no LoaderEntrySelected EFI "
				 "variable naming stele-a or stele-b): boot the host through "
				 "systemd-boot from a raw-efi disk");
	if (esp_mount(err, len) < 0)
		return -1;
	if (slots_scan(ESP_MOUNT, p->s) < 0)
		return set_error(err, len, ESP_MOUNT "/" SLOTS_DIR ": %s", strerror(errno));
	p->target = &p->s[p->running == 'a' ? 1 : 0];
	return 0;
}

static int write_slot(int fd, char letter, int tries, char *err, size_t len)
{
	char tmp[PATH_MAX], final[PATH_MAX], name[64];
	snprintf(name, sizeof name, SLOT_PREFIX "%c.tmp", letter);
	slot_path(name, tmp, sizeof tmp);
	snprintf(name, sizeof name, SLOT_PREFIX "%c+%d.efi", letter, tries);
	slot_path(name, final, sizeof final);
	int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		return set_error(err, len, "%s: %s", tmp, strerror(errno));
	/* The clusters first, with the entry that owns them on disk: a power
	 * cut during the long write then leaves them to this file, which the
	 * next update removes, instead of lost to everything but fsck.fat.
	 * Best effort: an ESP that cannot preallocate is written as it is. */
	struct stat st;
	if (fstat(fd, &st) == 0 && st.st_size > 0 &&
	    fallocate(out, FALLOC_FL_KEEP_SIZE, 0, st.st_size) == 0)
		fsync(out);
	int copied = copy_fd(fd, out);
	if (copied == 0)
		update_test_stop("write");
	if (copied < 0 || fsync(out) < 0) {
		int saved = errno;
		close(out);
		unlink(tmp);
		return set_error(err, len, "writing %s: %s", tmp, strerror(saved));
	}
	close(out);
	if (rename_durable(tmp, final, ESP_MOUNT "/" SLOTS_DIR) < 0)
		return set_error(err, len, "renaming %s: %s", tmp, strerror(errno));
	char pattern[64];
	snprintf(pattern, sizeof pattern, SLOT_PREFIX "%c+[1-9]*.efi", letter);
	if (loader_default(ESP_MOUNT, pattern) < 0)
		return set_error(err, len, ESP_MOUNT "/" LOADER_CONF ": %s", strerror(errno));
	return 0;
}

int update_install(const char *file, int tries, struct uki_info *info, char *err, size_t len)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return set_error(err, len, "%s: %s", file, strerror(errno));
	struct stat st;
	int rc = -1;
	struct plan p;
	unsigned long long free_b = 0;
	if (fstat(fd, &st) < 0) {
		set_error(err, len, "%s: %s", file, strerror(errno));
	} else if (uki_check_fd(fd, info) < 0) {
		set_error(err, len, "%s: refused: %s", file, info->why);
	} else if (verify_signature(file, err, len) < 0) {
		char why[256];
		snprintf(why, sizeof why, "%s", err);
		set_error(err, len, "%s: refused: %s", file, why);
	} else if (plan_slots(&p, err, len) < 0) {
		/* err says why */
	} else if (p.s[p.running - 'a'].state != SLOT_GOOD) {
		set_error(err, len,
			  "%s: refused: the running slot %c is still on trial; wait until it is "
			  "blessed, or roll back",
			  file, p.running);
	} else if (!fits(p.target, st.st_size, &free_b)) {
		set_error(
		    err, len,
		    "%s: refused: %lld bytes do not fit in the ESP's %llu free bytes; build a "
		    "smaller image",
		    file, (long long)st.st_size, free_b);
	} else {
		char old[PATH_MAX];
		slot_path(p.target->file, old, sizeof old);
		if (p.target->state != SLOT_EMPTY && unlink(old) < 0)
			set_error(err, len, "%s: %s", old, strerror(errno));
		else
			rc = write_slot(fd, p.target->letter, tries, err, len);
	}
	close(fd);
	return rc;
}

int update_bless(char *err, size_t len)
{
	struct plan p;
	if (plan_slots(&p, err, len) < 0)
		return -1;
	struct slot *run = &p.s[p.running - 'a'];
	if (run->state == SLOT_GOOD)
		return 0;
	char from[PATH_MAX], to[PATH_MAX], name[64];
	slot_path(run->file, from, sizeof from);
	snprintf(name, sizeof name, SLOT_PREFIX "%c.efi", run->letter);
	slot_path(name, to, sizeof to);
	if (rename_durable(from, to, ESP_MOUNT "/" SLOTS_DIR) < 0)
		return set_error(err, len, "renaming %s: %s", from, strerror(errno));
	if (loader_default(ESP_MOUNT, name) < 0)
		return set_error(err, len, ESP_MOUNT "/" LOADER_CONF ": %s", strerror(errno));
	return 0;
}

int update_rollback(char *err, size_t len)
{
	struct plan p;
	if (plan_slots(&p, err, len) < 0)
		return -1;
	if (p.target->state != SLOT_GOOD)
		return set_error(err, len, "cannot roll back: slot %c is %s, not good",
				 p.target->letter, slot_state_name(p.target->state));
	if (loader_default(ESP_MOUNT, p.target->file) < 0)
		return set_error(err, len, ESP_MOUNT "/" LOADER_CONF ": %s", strerror(errno));
	return 0;
}
