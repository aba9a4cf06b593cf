/* state_find: which device is the state volume. Resolves the configured
 * spec, waiting for devices that virtio probes asynchronously, and runs
 * the whole search in a bounded child (see state_probe.h). */
#include "state/probe.h"

#include "lib/log.h"
#include "lib/spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define POLL_MS 100
/* Probing after the wait: every disk, under TCG, with a slow device. */
#define PROBE_MARGIN_MS 60000

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A path spec: final once the node exists. */
static bool find_path(const char *path, struct probe_result *r)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		snprintf(r->reason, sizeof r->reason, "%.300s: %s", path, strerror(errno));
		return false;
	}
	if (!S_ISBLK(st.st_mode)) {
		memset(r, 0, sizeof *r);
		snprintf(r->device, sizeof r->device, "%s", path);
		r->verdict = PROBE_ERROR;
		snprintf(r->reason, sizeof r->reason, "not a block device");
		return true;
	}
	state_probe_device(path, r);
	return true;
}

/* Whole disks that auto may pick: no loop, RAM, optical, floppy, device
 * mapper, md or network disks, nothing removable. */
static bool auto_candidate(const char *name)
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

static int visible(const struct dirent *entry)
{
	return entry->d_name[0] != '.';
}

struct search {
	const struct state_config *cfg;
	const char *tag;   /* "LABEL" or "UUID", NULL for auto */
	const char *value; /* what the tag must equal */
	struct probe_result match;
	int matches;
	struct probe_result blank; /* auto: the first blank disk */
	bool have_blank;
	char seen[1024]; /* what was passed over, for the not-found message */
};

static void note_seen(struct search *s, const char *name, const char *what)
{
	size_t used = strlen(s->seen);
	if (used < sizeof s->seen - 1)
		snprintf(s->seen + used, sizeof s->seen - used, "%s%.40s: %.80s", used ? "; " : "",
			 name, what);
}

static void consider(struct search *s, const char *name)
{
	char dev[280];
	snprintf(dev, sizeof dev, "/dev/%s", name);
	struct probe_result r;
	state_probe_device(dev, &r);
	if (r.verdict == PROBE_ERROR && r.dev_bytes == 0)
		return; /* an empty loop or a missing node */
	const char *have = NULL;
	if (r.verdict == PROBE_FILESYSTEM)
		have = !s->tag ? r.label : strcmp(s->tag, "LABEL") == 0 ? r.label : r.uuid;
	const char *want = s->tag ? s->value : s->cfg->label;
	if (have && strcmp(have, want) == 0) {
		if (s->matches++ == 0)
			s->match = r;
		if (s->matches == 2)
			snprintf(s->seen, sizeof s->seen, "both %s and %s match", s->match.device,
				 dev);
	} else if (!s->tag && r.verdict == PROBE_BLANK && !s->have_blank) {
		s->blank = r;
		s->have_blank = true;
	} else if (!s->tag) {
		char what[80];
		snprintf(what, sizeof what, "%.60s", r.reason);
		note_seen(s, name, what);
	}
}

/* LABEL=, UUID= (every block device, partitions included) or auto (whole
 * disks). Two matches are an error that names both: guessing could mount
 * the wrong disk. */
static bool find_by_scan(struct search *s, struct probe_result *r)
{
	const char *dir = s->tag ? "/sys/class/block" : "/sys/block";
	struct dirent **names;
	int n = scandir(dir, &names, visible, alphasort);
	if (n < 0) {
		snprintf(r->reason, sizeof r->reason, "cannot list %s: %s", dir, strerror(errno));
		return false;
	}
	for (int i = 0; i < n; i++) {
		if (s->tag || auto_candidate(names[i]->d_name))
			consider(s, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	if (s->matches == 1) {
		*r = s->match;
		return true;
	}
	if (s->matches > 1) {
		memset(r, 0, sizeof *r);
		r->verdict = PROBE_ERROR;
		snprintf(r->device, sizeof r->device, "%s", s->cfg->spec);
		snprintf(r->reason, sizeof r->reason, "%.360s; give the device by path", s->seen);
		return true;
	}
	if (s->have_blank) {
		*r = s->blank;
		return true;
	}
	if (s->tag)
		snprintf(r->reason, sizeof r->reason, "no device carries %s=%.300s", s->tag,
			 s->value);
	else
		snprintf(r->reason, sizeof r->reason, "no blank disk and none labelled %s (%.300s)",
			 s->cfg->label, s->seen[0] ? s->seen : "no disks");
	return false;
}

static bool find_once(const struct state_config *cfg, struct probe_result *r)
{
	const char *spec = cfg->spec;
	if (spec[0] == '/')
		return find_path(spec, r);
	struct search s = {.cfg = cfg};
	if (!strncmp(spec, "LABEL=", 6)) {
		s.tag = "LABEL";
		s.value = spec + 6;
	} else if (!strncmp(spec, "UUID=", 5)) {
		s.tag = "UUID";
		s.value = spec + 5;
	}
	return find_by_scan(&s, r);
}

void state_probe_find(const struct state_config *cfg, struct probe_result *r)
{
	long long deadline = now_ms() + (long long)cfg->wait_s * 1000;
	memset(r, 0, sizeof *r);
	while (!find_once(cfg, r)) {
		if (now_ms() >= deadline) {
			char why[sizeof r->reason];
			snprintf(why, sizeof why, "%s", r->reason);
			memset(r, 0, sizeof *r);
			r->verdict = PROBE_NOT_FOUND;
			snprintf(r->device, sizeof r->device, "%s", cfg->spec);
			snprintf(r->reason, sizeof r->reason, "not found within %d s: %.360s",
				 cfg->wait_s, why);
			return;
		}
		sleep_ms(POLL_MS);
	}
}

static void crashed(struct probe_result *r, const struct state_config *cfg, const char *why)
{
	memset(r, 0, sizeof *r);
	r->verdict = PROBE_CRASHED;
	snprintf(r->device, sizeof r->device, "%s", cfg->spec);
	snprintf(r->reason, sizeof r->reason, "the probe child %s", why);
}

/* The child's answer is data from a process that parsed hostile bytes:
 * terminate every string before trusting it. */
static void take_result(struct probe_result *r, const struct probe_result *shared)
{
	*r = *shared;
	r->device[sizeof r->device - 1] = '\0';
	r->type[sizeof r->type - 1] = '\0';
	r->label[sizeof r->label - 1] = '\0';
	r->uuid[sizeof r->uuid - 1] = '\0';
	r->reason[sizeof r->reason - 1] = '\0';
	if ((unsigned)r->verdict > PROBE_CRASHED)
		r->verdict = PROBE_CRASHED;
}

void state_probe_in_child(const struct state_config *cfg, struct probe_result *r)
{
	struct probe_result *shared =
	    mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return crashed(r, cfg, "could not get shared memory");
	memset(shared, 0, sizeof *shared);
	shared->verdict = PROBE_CRASHED;
	pid_t pid = fork();
	if (pid == 0) {
		child_reset(); /* default SIGSEGV: a crash kills only the child */
		state_probe_find(cfg, shared);
		_exit(0);
	}
	int status = 0;
	int bound_ms = cfg->wait_s * 1000 + PROBE_MARGIN_MS;
	int waited = pid < 0 ? -1 : wait_pid_timeout(pid, bound_ms, &status);
	char why[128];
	if (pid < 0) {
		snprintf(why, sizeof why, "could not start: %s", strerror(errno));
		crashed(r, cfg, why);
	} else if (waited != 0) {
		kill(pid, SIGKILL);
		/* A child stuck in D state cannot die; do not wait for it. */
		wait_pid_timeout(pid, 2000, &status);
		snprintf(why, sizeof why, "overran its bound of %d s", bound_ms / 1000);
		crashed(r, cfg, why);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char desc[64];
		snprintf(why, sizeof why, "died (%s)", describe_status(status, desc, sizeof desc));
		crashed(r, cfg, why);
	} else {
		take_result(r, shared);
	}
	munmap(shared, sizeof *shared);
}
