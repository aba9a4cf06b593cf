/* state: the decisions of the state volume phase. Everything that reads
 * the disk runs in the probe child (state_find.c); this file only acts
 * on its verdict, and every path that is not "provably blank" or
 * "forced" ends without mkfs. */
#include "state/state.h"

#include "lib/log.h"
#include "lib/spawn.h"
#include "lib/state_bind.h"
#include "lib/state_status.h"
#include "lib/timeline.h"
#include "state/bootdisk.h"
#include "state/mount.h"
#include "state/probe.h"
#include "state/tool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MKFS_TIMEOUT_S	 600
#define FSCK_TIMEOUT_S	 1800
#define RESIZE_TIMEOUT_S 600
/* mke2fs rounds down to whole blocks and may drop a tiny last group;
 * grow only for a real difference. */
#define GROW_SLACK (16ULL << 20)
/* Messages hold a device path, a reason and a hint; status lines one more. */
#define MSG_LEN	 1024
#define LINE_LEN 2048

static void mark(const char *event)
{
	if (timeline_mark("init", "mark", "state-volume", event) < 0)
		log_debug("state: timeline: %s", strerror(errno));
}

static void set_status(const struct state_config *cfg, const char *line)
{
	if (state_status_write(cfg->status_path, "%s", line) < 0)
		log_err("state: cannot write %s: %s", cfg->status_path, strerror(errno));
}

/* Missing or unusable: state_required decides. */
static int unusable(const struct state_config *cfg, const char *reason)
{
	char line[LINE_LEN];
	if (cfg->required) {
		log_err("state: UNAVAILABLE: %s; state_required=1, so no container that binds "
			"into %s will start",
			reason, cfg->mountpoint);
		snprintf(line, sizeof line, "unavailable: %s", reason);
		set_status(cfg, line);
		mark("unavailable");
		return -1;
	}
	log_warn("state: WARNING: %s; %s is a tmpfs for this boot: its data will be LOST at "
		 "shutdown",
		 reason, cfg->mountpoint);
	char err[MSG_LEN];
	if (state_mount_tmpfs(cfg->mountpoint, err, sizeof err) < 0) {
		log_err("state: tmpfs fallback: %s", err);
		snprintf(line, sizeof line, "unavailable: %s; tmpfs fallback failed: %s", reason,
			 err);
	} else {
		snprintf(line, sizeof line, "tmpfs-fallback: %s", reason);
	}
	set_status(cfg, line);
	mark("tmpfs-fallback");
	return -1;
}

/* Why a tool did not succeed: its wait status, or the spawn/timeout errno. */
static void tool_failed(int status, char *buf, size_t len)
{
	if (status < 0)
		snprintf(buf, len, "%s", errno == ETIMEDOUT ? "timed out" : strerror(errno));
	else
		describe_status(status, buf, len);
}

static void grow(const struct probe_result *r)
{
	if (!r->fs_bytes || r->dev_bytes < r->fs_bytes + GROW_SLACK)
		return;
	log_info("state: %s has %llu MiB, its filesystem %llu MiB: growing it online", r->device,
		 (unsigned long long)(r->dev_bytes >> 20), (unsigned long long)(r->fs_bytes >> 20));
	char *argv[] = {STATE_RESIZE2FS, (char *)r->device, NULL};
	int status = state_tool_run(argv, RESIZE_TIMEOUT_S);
	char why[64];
	if (status != 0) {
		tool_failed(status, why, sizeof why);
		log_warn("state: resize2fs %s: %s; the filesystem keeps its size", r->device, why);
		return;
	}
	mark("grown");
}

/* e2fsck -p before every mount; fsck(8) codes 0-2 mean go on. */
static int check(const struct probe_result *r, char *why, size_t len)
{
	char *argv[] = {STATE_E2FSCK, "-p", (char *)r->device, NULL};
	int status = state_tool_run(argv, FSCK_TIMEOUT_S);
	if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) < 4) {
		if (WEXITSTATUS(status) > 0)
			log_warn("state: e2fsck corrected errors on %s (exit %d)", r->device,
				 WEXITSTATUS(status));
		return 0;
	}
	char desc[64];
	tool_failed(status, desc, sizeof desc);
	snprintf(why, len, "e2fsck -p %s: %s: errors left uncorrected (repair: e2fsck -f %s)",
		 r->device, desc, r->device);
	return -1;
}

static int check_and_mount(const struct state_config *cfg, const struct probe_result *r)
{
	char fsck_why[MSG_LEN], err[MSG_LEN], line[LINE_LEN];
	bool readonly = false;
	if (check(r, fsck_why, sizeof fsck_why) < 0) {
		if (cfg->fsck_fail == STATE_FSCK_FAIL_NONE) {
			log_err("state: %s; not mounting it (state_fsck_fail=none)", fsck_why);
			return unusable(cfg, fsck_why);
		}
		log_err("state: %s; mounting it read-only (state_fsck_fail=ro)", fsck_why);
		readonly = true;
	}
	if (state_mount_device(r->device, cfg->fs, cfg->mountpoint, cfg->options, readonly, err,
			       sizeof err) < 0)
		return unusable(cfg, err);
	if (readonly) {
		snprintf(line, sizeof line, "unavailable: %s; mounted read-only at %s", fsck_why,
			 cfg->mountpoint);
		set_status(cfg, line);
		mark("read-only");
		return -1;
	}
	grow(r);
	log_info("state: mounted %s (UUID %s) at %s", r->device, r->uuid, cfg->mountpoint);
	snprintf(line, sizeof line, "mounted %s %s at %s", r->device, r->uuid, cfg->mountpoint);
	set_status(cfg, line);
	mark("mounted");
	return 0;
}

/* mke2fs; -1 after the unusable() path. */
static int format(const struct state_config *cfg, const char *dev)
{
	char *argv[12];
	int n = 0;
	argv[n++] = STATE_MKE2FS;
	argv[n++] = "-t";
	argv[n++] = (char *)cfg->fs;
	argv[n++] = "-L";
	argv[n++] = (char *)cfg->label;
	/* 4 KiB blocks even on a small disk: it may grow to terabytes. */
	argv[n++] = "-b";
	argv[n++] = "4096";
	/* Only ever after the blank check, or state_force's in-use check:
	 * without -F mke2fs asks "Proceed anyway?" about a partitioned disk. */
	argv[n++] = "-F";
	argv[n++] = (char *)dev;
	argv[n] = NULL;
	int status = state_tool_run(argv, MKFS_TIMEOUT_S);
	if (status != 0) {
		char why[MSG_LEN], desc[64];
		tool_failed(status, desc, sizeof desc);
		snprintf(why, sizeof why, "mke2fs %s: %s", dev, desc);
		log_err("state: %s", why);
		return unusable(cfg, why);
	}
	mark("formatted");
	return 0;
}

/* A fresh probe after mke2fs: mount only what the probe recognises. */
static int probe_and_mount(const struct state_config *cfg, const char *dev)
{
	char why[MSG_LEN];
	struct state_config again = *cfg;
	snprintf(again.spec, sizeof again.spec, "%s", dev);
	again.wait_s = 0;
	struct probe_result r;
	state_probe_in_child(&again, &r);
	if (r.verdict != PROBE_FILESYSTEM || strcmp(r.label, cfg->label) != 0) {
		snprintf(why, sizeof why, "after mke2fs, %s probes as: %s", dev, r.reason);
		return unusable(cfg, why);
	}
	return check_and_mount(cfg, &r);
}

static int format_and_mount(const struct state_config *cfg, const char *dev)
{
	if (format(cfg, dev) < 0)
		return -1;
	return probe_and_mount(cfg, dev);
}

/* Room on stele's boot disk: add the pending partition (unless a cut
 * first boot left one), format it, name it, mount it. */
static int boot_disk_volume(const struct state_config *cfg, struct probe_result *r)
{
	if (!r->partno) {
		log_info("state: %s: %s: adding the state partition", r->disk, r->reason);
		if (state_bootdisk_add(r) < 0)
			return unusable(cfg,
					"the state partition could not be added to the boot disk");
		state_bootdisk_test_pause("added");
	} else {
		state_bootdisk_part_path(r->disk, r->partno, r->device, sizeof r->device);
		log_info("state: %s: formatting it again", r->reason);
	}
	log_info("state: %s is stele's new partition: formatting it as %s, label %s", r->device,
		 cfg->fs, cfg->label);
	if (format(cfg, r->device) < 0)
		return -1;
	state_bootdisk_test_pause("formatted");
	if (state_bootdisk_commit(r) < 0)
		return unusable(cfg, "the state partition could not be named " STATE_PART_NAME);
	return probe_and_mount(cfg, r->device);
}

/* The state partition on the boot disk: follow a grown disk first. */
static int boot_disk_reuse(const struct state_config *cfg, struct probe_result *r)
{
	if (state_bootdisk_grow(r) > 0) {
		log_info("state: grew partition %s to the end of the boot disk %s", r->device,
			 r->disk);
		struct probe_result again;
		state_probe_device(r->device, &again);
		if (again.verdict == PROBE_FILESYSTEM)
			r->dev_bytes = again.dev_bytes;
	}
	return check_and_mount(cfg, r);
}

/* NULL when r is a state filesystem to reuse, else why it is not. A path
 * or auto needs the label too: a stray ext4 disk is not ours. */
static const char *not_ours(const struct state_config *cfg, const struct probe_result *r, char *buf,
			    size_t len)
{
	if (strcmp(r->type, cfg->fs) != 0) {
		snprintf(buf, len, "not blank: %s filesystem (label '%s')", r->type, r->label);
		return buf;
	}
	bool by_tag = !strncmp(cfg->spec, "LABEL=", 6) || !strncmp(cfg->spec, "UUID=", 5);
	if (!by_tag && strcmp(r->label, cfg->label) != 0) {
		snprintf(buf, len,
			 "not blank: %s filesystem labelled '%s', not '%s' (if it is the state "
			 "volume: e2label %s %s)",
			 r->type, r->label, cfg->label, r->device, cfg->label);
		return buf;
	}
	return NULL;
}

static bool same_device(const char *a, const char *b)
{
	struct stat sa, sb;
	if (stat(a, &sa) == 0 && stat(b, &sb) == 0 && S_ISBLK(sa.st_mode) && S_ISBLK(sb.st_mode))
		return sa.st_rdev == sb.st_rdev;
	return strcmp(a, b) == 0;
}

/* O_EXCL on a block device fails with EBUSY while it is mounted or held
 * by md, dm or another exclusive opener. */
static bool in_use(const char *dev)
{
	int fd = open(dev, O_RDONLY | O_EXCL | O_CLOEXEC);
	if (fd < 0)
		return errno == EBUSY;
	close(fd);
	return false;
}

static int refuse_or_force(const struct state_config *cfg, const struct probe_result *r,
			   const char *reason)
{
	char why[MSG_LEN];
	if (cfg->force[0] && same_device(cfg->force, r->device)) {
		if (in_use(r->device)) {
			snprintf(why, sizeof why,
				 "state_force=%s: the device is in use (mounted or held); refusing "
				 "to format it",
				 cfg->force);
			log_err("state: %s", why);
			return unusable(cfg, why);
		}
		log_warn("state: FORCED by state_force=%s: formatting %s, which is %s; its data "
			 "is destroyed",
			 cfg->force, r->device, reason);
		return format_and_mount(cfg, r->device);
	}
	log_err("state: refusing %s: %s; nothing was written (stele formats only blank "
		"devices: wipe it with wipefs -a, or set state_force=%s to destroy its data)",
		r->device, reason, r->device);
	snprintf(why, sizeof why, "%s refused: %s", r->device, reason);
	return unusable(cfg, why);
}

int state_volume_run(const struct state_config *cfg)
{
	if (state_config_disabled(cfg)) {
		if (cfg->required)
			return unusable(cfg, "state_required=1 but no state device is configured "
					     "(set state= in init.conf or stele.state=)");
		log_info("state: no state volume configured: %s stays on the /var tmpfs",
			 cfg->mountpoint);
		/* There, as a folder: packages bind sources below it (sshd's
		 * /var/lib/sshd), as LinuxKit's /var/lib is there. */
		char err[MSG_LEN];
		if (state_mkdirs(cfg->mountpoint, 0755, err, sizeof err) < 0)
			log_warn("state: %s", err);
		set_status(cfg, "tmpfs-fallback: no state volume configured (state=none)");
		return 0; /* nothing was asked, nothing failed */
	}
	if (strcmp(cfg->spec, "auto") == 0)
		log_info("state: looking for auto: a disk labelled %s at once, a blank one only "
			 "after waiting %d s",
			 cfg->label, cfg->wait_s);
	else
		log_info("state: looking for %s (waiting up to %d s)", cfg->spec, cfg->wait_s);
	struct probe_result r;
	state_probe_in_child(cfg, &r);
	if (r.choice[0])
		log_info("state: %s", r.choice);
	log_debug("state: probe of %s: %s: %s", r.device, state_probe_verdict_name(r.verdict),
		  r.reason);
	char why[MSG_LEN], buf[MSG_LEN];
	switch (r.verdict) {
	case PROBE_BLANK:
		log_info("state: %s is blank: formatting it as %s, label %s", r.device, cfg->fs,
			 cfg->label);
		return format_and_mount(cfg, r.device);
	case PROBE_BOOT_SPACE:
		return boot_disk_volume(cfg, &r);
	case PROBE_FILESYSTEM: {
		const char *reason = not_ours(cfg, &r, buf, sizeof buf);
		if (!reason && r.disk[0])
			return boot_disk_reuse(cfg, &r);
		if (!reason)
			return check_and_mount(cfg, &r);
		return refuse_or_force(cfg, &r, reason);
	}
	case PROBE_NOT_BLANK:
	case PROBE_AMBIVALENT:
		return refuse_or_force(cfg, &r, r.reason);
	case PROBE_NOT_FOUND:
		snprintf(why, sizeof why, "state=%s %s", cfg->spec, r.reason);
		log_err("state: %s", why);
		return unusable(cfg, why);
	default: /* read error, probe error, crashed child: never forced */
		snprintf(why, sizeof why, "%s refused: %s", r.device, r.reason);
		log_err("state: refusing %s: %s; nothing was written", r.device, r.reason);
		return unusable(cfg, why);
	}
}

int state_volume_unmount(const char *mountpoint)
{
	char err[MSG_LEN] = "";
	int rc = state_unmount(mountpoint, err, sizeof err);
	if (rc < 0)
		log_err("state: %s", err);
	else if (err[0])
		log_warn("state: %s", err);
	return rc;
}
