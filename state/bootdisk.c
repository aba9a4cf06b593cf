/* state_bootdisk: the state partition on stele's boot disk
 * (state/bootdisk.h), with libfdisk. */
#include "state/bootdisk.h"

#include "lib/bounded_call.h"
#include "lib/log.h"
#include "lib/partnames.h"

#include <errno.h>
#include <fcntl.h>
#include <libfdisk/libfdisk.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NODE_WAIT_MS   10000
#define TEST_PAUSE_S   600
#define TEST_PAUSE_ENV "STELE_TEST_STATE_PAUSE"

void state_bootdisk_part_path(const char *disk, size_t partno, char *out, size_t len)
{
	size_t n = strlen(disk);
	bool digit = n && disk[n - 1] >= '0' && disk[n - 1] <= '9';
	snprintf(out, len, "%s%s%zu", disk, digit ? "p" : "", partno);
}

static void sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void state_bootdisk_test_pause(const char *step)
{
	const char *want = getenv(TEST_PAUSE_ENV);
	if (!want || strcmp(want, step) != 0)
		return;
	log_warn("state: TEST pause after %s (" TEST_PAUSE_ENV ")", step);
	sleep_ms(TEST_PAUSE_S * 1000);
}

/* libfdisk says that a copy of the GPT fails its checks only as a
 * warning (then "recovers" from the other copy on write): count them. */
static int warned(struct fdisk_context *cxt, struct fdisk_ask *ask, void *data)
{
	(void)cxt;
	int *damaged = data;
	if (fdisk_ask_get_type(ask) == FDISK_ASKTYPE_WARNX ||
	    fdisk_ask_get_type(ask) == FDISK_ASKTYPE_WARN) {
		const char *msg = fdisk_ask_print_get_mesg(ask);
		if (msg && strstr(msg, "corrupt"))
			*damaged = 1;
	}
	return 0;
}

/* A context on disk. The damage check opens it read-only, where libfdisk
 * neither repairs nor relocates, and counts its corruption warnings; the
 * layout is read as libfdisk would write it (backup GPT at the end),
 * from a read-only descriptor unless writing, and then with O_SYNC, so
 * that libfdisk's write order is the disk's. */
enum open_mode { OPEN_CHECK, OPEN_LAYOUT, OPEN_WRITE };

static struct fdisk_context *open_disk(const char *disk, enum open_mode mode, int *damaged,
				       char *why, size_t len)
{
	int flags = mode == OPEN_WRITE ? O_RDWR | O_SYNC : O_RDONLY;
	int fd = open(disk, flags | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		snprintf(why, len, "open: %s", strerror(errno));
		return NULL;
	}
	struct fdisk_context *cxt = fdisk_new_context();
	if (cxt && damaged)
		fdisk_set_ask(cxt, warned, damaged);
	if (!cxt || fdisk_assign_device_by_fd(cxt, fd, disk, mode == OPEN_CHECK) != 0) {
		snprintf(why, len, "libfdisk cannot read it");
		if (cxt)
			fdisk_unref_context(cxt);
		close(fd);
		return NULL;
	}
	/* The caller's fd is the context's from here on. */
	return cxt;
}

static void close_disk(struct fdisk_context *cxt)
{
	int fd = fdisk_get_devfd(cxt);
	fdisk_deassign_device(cxt, 1);
	fdisk_unref_context(cxt);
	if (fd >= 0)
		close(fd);
}

static const char *part_name(struct fdisk_context *cxt, size_t partno, struct fdisk_partition **pa)
{
	*pa = NULL;
	if (fdisk_get_partition(cxt, partno, pa) != 0)
		return NULL;
	return fdisk_partition_get_name(*pa);
}

/* NULL when cxt holds a stele boot disk's whole GPT, else why not. */
static const char *not_stele(struct fdisk_context *cxt, int damaged, char *why, size_t len)
{
	if (!fdisk_is_labeltype(cxt, FDISK_DISKLABEL_GPT))
		return "no readable GPT (not a stele boot disk, or a damaged one)";
	if (damaged) {
		snprintf(why, len, "its GPT is damaged (a copy fails its checks): never rewritten");
		return why;
	}
	struct fdisk_partition *pa = NULL;
	const char *name = part_name(cxt, 0, &pa);
	bool ours = name && (!strcmp(name, PARTNAME_ESP) || !strcmp(name, PARTNAME_BOOT));
	fdisk_unref_partition(pa);
	return ours ? NULL : "a GPT of another system: never written";
}

static uint64_t label_u64(struct fdisk_context *cxt, int id)
{
	uint64_t value = 0;
	struct fdisk_labelitem *item = fdisk_new_labelitem();
	if (item && fdisk_get_disklabel_item(cxt, id, item) == 0)
		fdisk_labelitem_get_data_u64(item, &value);
	fdisk_unref_labelitem(item);
	return value;
}

/* Where the backup GPT is now (sectors, inclusive): a grown disk has it
 * in the middle, inside the free space that the relocation frees. */
struct old_tail {
	uint64_t first, last;
};

/* NULL when disk is a stele boot disk with a whole GPT, else why not. */
static const char *check_disk(const char *disk, struct old_tail *tail, char *why, size_t len)
{
	int damaged = 0;
	struct fdisk_context *cxt = open_disk(disk, OPEN_CHECK, &damaged, why, len);
	if (!cxt)
		return why;
	char own[400];
	const char *no = not_stele(cxt, damaged, own, sizeof own);
	if (no)
		snprintf(why, len, "%s", no);
	else if (tail) {
		tail->first = label_u64(cxt, GPT_LABELITEM_LASTLBA) + 1;
		tail->last = label_u64(cxt, GPT_LABELITEM_ALTLBA);
	}
	close_disk(cxt);
	return no ? why : NULL;
}

/* The partition named name, or -1. */
static int find_named(struct fdisk_context *cxt, const char *want)
{
	size_t n = fdisk_get_npartitions(cxt);
	for (size_t i = 0; i < n; i++) {
		struct fdisk_partition *pa = NULL;
		if (!fdisk_is_partition_used(cxt, i))
			continue;
		const char *name = part_name(cxt, i, &pa);
		bool match = name && !strcmp(name, want);
		fdisk_unref_partition(pa);
		if (match)
			return (int)i;
	}
	return -1;
}

/* The last free region, as libfdisk would lay it out after relocating the
 * backup GPT to the end. False when none. */
static bool last_free(struct fdisk_context *cxt, uint64_t *start, uint64_t *size)
{
	struct fdisk_table *tb = NULL;
	bool found = false;
	if (fdisk_get_freespaces(cxt, &tb) == 0 && tb) {
		struct fdisk_iter *it = fdisk_new_iter(FDISK_ITER_FORWARD);
		struct fdisk_partition *pa;
		while (it && fdisk_table_next_partition(tb, it, &pa) == 0) {
			*start = fdisk_partition_get_start(pa);
			*size = fdisk_partition_get_size(pa);
			found = true;
		}
		fdisk_free_iter(it);
	}
	fdisk_unref_table(tb);
	return found;
}

static int look_partition(const char *disk, int partno, bool pending, struct probe_result *r)
{
	char path[80];
	state_bootdisk_part_path(disk, (size_t)partno + 1, path, sizeof path);
	state_probe_device(path, r);
	snprintf(r->disk, sizeof r->disk, "%.63s", disk);
	r->partno = (unsigned)partno + 1;
	if (!pending)
		return 1;
	/* Stele's own partition, created blank: whatever mke2fs left there
	 * is stele's, and is formatted again. */
	r->verdict = PROBE_BOOT_SPACE;
	snprintf(r->reason, sizeof r->reason,
		 "pending partition %s on the boot disk (a first boot was cut short)", path);
	return 2;
}

/* Not a candidate: keep r's device, say why. */
static int refuse(struct probe_result *r, enum probe_verdict v, const char *disk, const char *why)
{
	memset(r, 0, sizeof *r);
	snprintf(r->device, sizeof r->device, "%s", disk);
	r->verdict = v;
	snprintf(r->reason, sizeof r->reason, "%.390s", why);
	return 0;
}

/* The blank rule over [start, end) sectors, but for the old backup GPT,
 * which is the disk's own and is moved by the first write. */
static void probe_space(int fd, uint64_t start, uint64_t end, uint64_t sector,
			const struct old_tail *tail, struct probe_result *r)
{
	memset(r, 0, sizeof *r);
	r->verdict = PROBE_BLANK;
	bool inside = tail->first > start && tail->last < end && tail->first <= tail->last;
	if (!inside) {
		state_probe_range(fd, start * sector, (end - start) * sector, r);
		return;
	}
	state_probe_range(fd, start * sector, (tail->first - start) * sector, r);
	if (r->verdict == PROBE_BLANK && tail->last + 1 < end)
		state_probe_range(fd, (tail->last + 1) * sector, (end - tail->last - 1) * sector,
				  r);
}

static int look_space(struct fdisk_context *cxt, const char *disk, const struct old_tail *tail,
		      struct probe_result *r)
{
	uint64_t start = 0, size = 0, sector = fdisk_get_sector_size(cxt);
	char why[400];
	if (!last_free(cxt, &start, &size) || size * sector < BOOTDISK_MIN_FREE) {
		snprintf(why, sizeof why,
			 "stele boot disk without room for the state volume (needs %llu MiB free "
			 "after its partitions; grow the disk or add one)",
			 BOOTDISK_MIN_FREE >> 20);
		return refuse(r, PROBE_NOT_BLANK, disk, why);
	}
	struct probe_result space;
	probe_space(fdisk_get_devfd(cxt), start, start + size, sector, tail, &space);
	if (space.verdict != PROBE_BLANK) {
		snprintf(why, sizeof why, "the free space of the boot disk is not blank (%s%s)",
			 space.type[0] ? "a signature: " : "data without a signature", space.type);
		return refuse(
		    r, space.verdict == PROBE_READ_ERROR ? PROBE_READ_ERROR : PROBE_NOT_BLANK, disk,
		    why);
	}
	memset(r, 0, sizeof *r);
	r->verdict = PROBE_BOOT_SPACE;
	snprintf(r->device, sizeof r->device, "%s", disk);
	snprintf(r->disk, sizeof r->disk, "%.63s", disk);
	r->space_start = start * sector;
	r->space_bytes = size * sector;
	r->dev_bytes = fdisk_get_nsectors(cxt) * sector;
	snprintf(
	    r->reason, sizeof r->reason, "blank free space on the boot disk: %llu MiB at %llu MiB",
	    (unsigned long long)(r->space_bytes >> 20), (unsigned long long)(r->space_start >> 20));
	return 2;
}

int state_bootdisk_look(const char *disk, struct probe_result *r)
{
	char why[400];
	struct old_tail tail = {0, 0};
	const char *no = check_disk(disk, &tail, why, sizeof why);
	if (no)
		return refuse(r, PROBE_NOT_BLANK, disk, no);
	struct fdisk_context *cxt = open_disk(disk, OPEN_LAYOUT, NULL, why, sizeof why);
	if (!cxt)
		return refuse(r, PROBE_ERROR, disk, why);
	int rc;
	int partno = find_named(cxt, STATE_PART_NAME);
	int pending = partno >= 0 ? -1 : find_named(cxt, STATE_PART_PENDING);
	if (partno >= 0)
		rc = look_partition(disk, partno, false, r);
	else if (pending >= 0)
		rc = look_partition(disk, pending, true, r);
	else
		rc = look_space(cxt, disk, &tail, r);
	close_disk(cxt);
	return rc;
}

/* The writes, each in a bounded child: libfdisk on a disk that stops
 * answering would block PID 1. */
struct job {
	const struct probe_result *r;
	enum { JOB_ADD, JOB_COMMIT, JOB_GROW } what;
};

static int write_table(struct fdisk_context *cxt, struct fdisk_table *before, const char *disk)
{
	if (fdisk_write_disklabel(cxt) != 0) {
		log_err("state: %s: writing the GPT failed", disk);
		return -1;
	}
	/* BLKPG for what changed: the disk's other partitions may be in use. */
	if (fdisk_reread_changes(cxt, before) != 0)
		log_warn("state: %s: the kernel did not take the new partition table", disk);
	return 0;
}

static int add(struct fdisk_context *cxt, struct job *job)
{
	const struct probe_result *r = job->r;
	uint64_t sector = fdisk_get_sector_size(cxt), start = 0, size = 0;
	/* The space must still be what the probe saw blank. */
	if (!last_free(cxt, &start, &size) || start * sector != r->space_start) {
		log_err("state: %s: the free space changed since it was probed; nothing was "
			"written",
			r->disk);
		return -1;
	}
	struct fdisk_partition *pa = fdisk_new_partition();
	struct fdisk_parttype *type =
	    fdisk_label_parse_parttype(fdisk_get_label(cxt, NULL), STATE_PART_TYPE);
	size_t partno = 0;
	int rc = -1;
	if (pa && type && fdisk_partition_set_start(pa, start) == 0 &&
	    fdisk_partition_end_follow_default(pa, 1) == 0 &&
	    fdisk_partition_partno_follow_default(pa, 1) == 0 &&
	    fdisk_partition_set_type(pa, type) == 0 &&
	    fdisk_partition_set_name(pa, STATE_PART_PENDING) == 0 &&
	    fdisk_add_partition(cxt, pa, &partno) == 0) {
		rc = 0;
	} else {
		log_err("state: %s: libfdisk could not add the state partition", r->disk);
	}
	fdisk_unref_parttype(type);
	fdisk_unref_partition(pa);
	return rc;
}

static int rename_partition(struct fdisk_context *cxt, unsigned partno)
{
	struct fdisk_partition *pa = fdisk_new_partition();
	int rc = pa && fdisk_partition_set_name(pa, STATE_PART_NAME) == 0 &&
			 fdisk_set_partition(cxt, partno - 1, pa) == 0
		     ? 0
		     : -1;
	fdisk_unref_partition(pa);
	return rc;
}

/* 1 when the partition was extended to the end of the disk. */
static int extend(struct fdisk_context *cxt, unsigned partno)
{
	struct fdisk_partition *pa = NULL;
	uint64_t start = 0, size = 0;
	if (fdisk_get_partition(cxt, partno - 1, &pa) != 0)
		return -1;
	uint64_t end = fdisk_partition_get_end(pa), have = fdisk_partition_get_size(pa);
	fdisk_unref_partition(pa);
	uint64_t sector = fdisk_get_sector_size(cxt);
	if (!last_free(cxt, &start, &size) || start != end + 1 || size * sector < (16ULL << 20))
		return 0;
	/* Keep the end on the grain: libfdisk's free space already is. */
	uint64_t grain = fdisk_get_grain_size(cxt) / sector;
	uint64_t add = grain ? size / grain * grain : size;
	pa = fdisk_new_partition();
	int rc = pa && fdisk_partition_set_size(pa, have + add) == 0 &&
			 fdisk_set_partition(cxt, partno - 1, pa) == 0
		     ? 1
		     : -1;
	fdisk_unref_partition(pa);
	return rc;
}

static int run_job(void *arg)
{
	struct job *job = arg;
	char why[400];
	const char *no = check_disk(job->r->disk, NULL, why, sizeof why);
	if (no) {
		log_err("state: %s: %s; nothing was written", job->r->disk, no);
		return -1;
	}
	struct fdisk_context *cxt = open_disk(job->r->disk, OPEN_WRITE, NULL, why, sizeof why);
	if (!cxt) {
		log_err("state: %s: %s", job->r->disk, why);
		return -1;
	}
	int rc = -1;
	struct fdisk_table *before = NULL;
	if (fdisk_get_partitions(cxt, &before) == 0) {
		int changed = job->what == JOB_ADD	? add(cxt, job) == 0
			      : job->what == JOB_COMMIT ? rename_partition(cxt, job->r->partno) == 0
							: extend(cxt, job->r->partno);
		if (changed > 0)
			rc = write_table(cxt, before, job->r->disk) == 0 ? 0 : -1;
		else
			rc = changed == 0 ? 0 : -1;
	}
	fdisk_unref_table(before);
	close_disk(cxt);
	return rc;
}

static int bounded(struct job *job, const char *what)
{
	enum bounded_outcome out = bounded_call(run_job, job, BOOTDISK_WRITE_TIMEOUT_S * 1000);
	if (out == BOUNDED_DONE)
		return 0;
	log_err("state: %s on %s: %s", what, job->r->disk,
		out == BOUNDED_TIMED_OUT ? "timed out (the disk does not answer)" : "failed");
	return -1;
}

static int wait_node(const char *path)
{
	struct stat st;
	for (int waited = 0; waited < NODE_WAIT_MS; waited += 100) {
		if (stat(path, &st) == 0 && S_ISBLK(st.st_mode))
			return 0;
		sleep_ms(100);
	}
	log_err("state: %s did not appear within %d s", path, NODE_WAIT_MS / 1000);
	return -1;
}

int state_bootdisk_add(struct probe_result *r)
{
	struct job job = {.r = r, .what = JOB_ADD};
	if (bounded(&job, "adding the state partition") < 0)
		return -1;
	struct probe_result again;
	if (state_bootdisk_look(r->disk, &again) != 2 || !again.partno) {
		log_err("state: %s: the new partition is not there: %s", r->disk, again.reason);
		return -1;
	}
	r->partno = again.partno;
	state_bootdisk_part_path(r->disk, r->partno, r->device, sizeof r->device);
	log_info("state: added partition %s (%s, %llu MiB) on the boot disk", r->device,
		 STATE_PART_PENDING, (unsigned long long)(r->space_bytes >> 20));
	return wait_node(r->device);
}

int state_bootdisk_commit(const struct probe_result *r)
{
	struct job job = {.r = r, .what = JOB_COMMIT};
	return bounded(&job, "naming the state partition");
}

int state_bootdisk_grow(const struct probe_result *r)
{
	char why[400];
	struct fdisk_context *cxt = open_disk(r->disk, OPEN_LAYOUT, NULL, why, sizeof why);
	if (!cxt)
		return -1;
	uint64_t start = 0, size = 0;
	bool room =
	    last_free(cxt, &start, &size) && size * fdisk_get_sector_size(cxt) >= (16ULL << 20);
	close_disk(cxt);
	if (!room)
		return 0;
	struct job job = {.r = r, .what = JOB_GROW};
	if (bounded(&job, "growing the state partition") < 0)
		return -1;
	return 1;
}
