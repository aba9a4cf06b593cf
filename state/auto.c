/* state_auto: the rules of state=auto (state/auto.h), one scan at a time. */
#include "state/auto.h"

#include "state/bootdisk.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int visible(const struct dirent *entry)
{
	return entry->d_name[0] != '.';
}

int state_each_block(const char *dir, void (*each)(const char *name, void *ctx), void *ctx)
{
	struct dirent **names;
	int n = scandir(dir, &names, visible, alphasort);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		each(names[i]->d_name, ctx);
		free(names[i]);
	}
	free(names);
	return 0;
}

/* Whole disks that auto may pick: no loop, RAM, optical, floppy, device
 * mapper, md or network disks, nothing removable. */
static bool candidate(const char *name)
{
	static const char *const skip[] = {"loop", "ram", "zram", "sr", "fd", "dm-", "md", "nbd"};
	for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
		if (!strncmp(name, skip[i], strlen(skip[i])))
			return false;
	char path[300], value[8] = "";
	snprintf(path, sizeof path, "/sys/block/%s/removable", name);
	FILE *f = fopen(path, "re");
	if (f) {
		if (!fgets(value, sizeof value, f))
			value[0] = '\0';
		fclose(f);
	}
	return value[0] != '1';
}

/* What one scan saw. */
struct scan {
	const struct state_config *cfg;
	struct auto_search *search;
	struct probe_result labelled;
	int labelled_count;
	char second_labelled[256];
	struct probe_result blank;
	int blank_count;
	char other_blanks[200];
	struct probe_result boot; /* room on stele's boot disk */
	int boot_count;
};

static void append(char *buf, size_t size, const char *fmt_sep, const char *text)
{
	size_t used = strlen(buf);
	if (used < size - 1)
		snprintf(buf + used, size - used, "%s%.160s", used ? fmt_sep : "", text);
}

/* Device errors, not answers: the disk may be the state disk. */
static bool failed(const struct probe_result *r)
{
	return r->verdict == PROBE_READ_ERROR || r->verdict == PROBE_ERROR;
}

static void consider(const char *name, void *ctx)
{
	struct scan *scan = ctx;
	if (!candidate(name))
		return;
	char dev[280], what[200];
	snprintf(dev, sizeof dev, "/dev/%s", name);
	struct probe_result r;
	state_probe_device(dev, &r);
	if (r.verdict == PROBE_ERROR && r.dev_bytes == 0)
		return; /* no medium, an empty device, a missing node */
	/* A GPT may be stele's boot disk: its state partition is labelled
	 * like a state disk, its free space the last resort. */
	if (r.verdict == PROBE_NOT_BLANK && (!strcmp(r.type, "gpt") || !strcmp(r.type, "PMBR"))) {
		int found = state_bootdisk_look(dev, &r);
		if (found == 2) {
			if (scan->boot_count++ == 0)
				scan->boot = r;
			return;
		}
		if (found == 1 && r.verdict != PROBE_FILESYSTEM) {
			snprintf(what, sizeof what, "%.40s: %.150s", r.device, r.reason);
			append(scan->search->seen, sizeof scan->search->seen, "; ", what);
			return;
		}
	}
	if (r.verdict == PROBE_FILESYSTEM && strcmp(r.label, scan->cfg->label) == 0) {
		if (scan->labelled_count++ == 0)
			scan->labelled = r;
		else if (scan->labelled_count == 2)
			snprintf(scan->second_labelled, sizeof scan->second_labelled, "%.250s",
				 dev);
		return;
	}
	if (r.verdict == PROBE_BLANK) {
		if (scan->blank_count++ == 0)
			scan->blank = r;
		else
			append(scan->other_blanks, sizeof scan->other_blanks, ", ", dev);
		return;
	}
	if (failed(&r) && !scan->search->failed) {
		scan->search->failed = true;
		scan->search->error = r;
	}
	snprintf(what, sizeof what, "%.40s: %.150s", name, r.reason);
	append(scan->search->seen, sizeof scan->search->seen, "; ", what);
}

static void take_labelled(const struct scan *scan, struct probe_result *r)
{
	*r = scan->labelled;
	snprintf(r->choice, sizeof r->choice, "auto chose %s: it is labelled %s", r->device,
		 scan->cfg->label);
}

static void two_labelled(const struct scan *scan, struct probe_result *r)
{
	const char *label = scan->cfg->label;
	memset(r, 0, sizeof *r);
	r->verdict = PROBE_ERROR;
	snprintf(r->device, sizeof r->device, "%.120s and %.120s", scan->labelled.device,
		 scan->second_labelled);
	snprintf(r->reason, sizeof r->reason,
		 "both are labelled %s: name the one to use (state.device in the image's YAML, "
		 "or stele.state=/dev/... on the kernel command line) and relabel or wipe the "
		 "other",
		 label);
}

static void take_boot(const struct scan *scan, struct probe_result *r)
{
	*r = scan->boot;
	snprintf(r->choice, sizeof r->choice,
		 "auto chose %.120s, the boot disk: no other disk is blank, and no disk labelled "
		 "%.16s appeared within %d s",
		 r->device, scan->cfg->label, scan->cfg->wait_s);
}

static void take_blank(const struct scan *scan, struct probe_result *r)
{
	*r = scan->blank;
	snprintf(r->choice, sizeof r->choice,
		 "auto chose %.120s: it is blank, and no disk labelled %.16s appeared within %d "
		 "s%s%.150s",
		 scan->blank.device, scan->cfg->label, scan->cfg->wait_s,
		 scan->other_blanks[0] ? "; also blank: " : "", scan->other_blanks);
}

/* At the end of the wait, a failed candidate forbids any format. */
static void refuse_after_failure(const struct scan *scan, struct probe_result *r)
{
	const struct probe_result *error = &scan->search->error;
	bool blank = scan->blank_count > 0;
	*r = *error;
	snprintf(r->reason, sizeof r->reason,
		 "%.100s; it may be the state volume%s%.60s%s (no disk labelled %.16s appeared "
		 "within %d s; repair the disk, or name the state disk: state.device, "
		 "stele.state=)",
		 error->reason, blank ? ", so the blank " : "", blank ? scan->blank.device : "",
		 blank ? " is not formatted" : "", scan->cfg->label, scan->cfg->wait_s);
}

/* The rules, in order (state/auto.h). False: the search goes on. */
static bool decide(const struct scan *scan, bool final, struct probe_result *r)
{
	if (scan->labelled_count == 1)
		take_labelled(scan, r);
	else if (scan->labelled_count > 1)
		two_labelled(scan, r);
	else if (final && scan->search->failed)
		refuse_after_failure(scan, r);
	else if (final && scan->blank_count)
		take_blank(scan, r);
	else if (final && scan->boot_count)
		take_boot(scan, r);
	else
		return false;
	return true;
}

bool state_auto_scan(const struct state_config *cfg, struct auto_search *s, bool final,
		     struct probe_result *r)
{
	struct scan scan = {.cfg = cfg, .search = s};
	s->seen[0] = '\0';
	memset(r, 0, sizeof *r);
	if (state_each_block("/sys/block", consider, &scan) < 0) {
		snprintf(r->reason, sizeof r->reason, "cannot list /sys/block: %s",
			 strerror(errno));
		return false;
	}
	if (decide(&scan, final, r))
		return true;
	snprintf(r->reason, sizeof r->reason, "no disk labelled %s%s (%.300s)", cfg->label,
		 scan.blank_count ? " yet" : " and no blank disk",
		 s->seen[0] ? s->seen : "no other disks");
	return false;
}
