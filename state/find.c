/* state_find: which device is the state volume. Resolves the configured
 * spec, waiting for devices that virtio probes asynchronously, and runs
 * the whole search in a bounded child (see state_probe.h). */
#include "state/probe.h"

#include "lib/clock.h"
#include "lib/log.h"
#include "lib/spawn.h"
#include "state/auto.h"

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
/* A scan probes every disk; under TCG that is not free. */
#define SCAN_POLL_MS 250
/* Probing after the wait: every disk, under TCG, with a slow device. */
#define PROBE_MARGIN_MS 60000

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

/* LABEL= or UUID=: every block device, partitions included. */
struct tag_search {
	const char *tag;   /* "LABEL" or "UUID" */
	const char *value; /* what the tag must equal */
	struct probe_result match;
	int matches;
	char second[256];
};

static void consider_tag(const char *name, void *ctx)
{
	struct tag_search *s = ctx;
	char dev[280];
	snprintf(dev, sizeof dev, "/dev/%s", name);
	struct probe_result r;
	state_probe_device(dev, &r);
	if (r.verdict != PROBE_FILESYSTEM)
		return;
	const char *have = strcmp(s->tag, "LABEL") == 0 ? r.label : r.uuid;
	if (strcmp(have, s->value) != 0)
		return;
	if (s->matches++ == 0)
		s->match = r;
	else if (s->matches == 2)
		snprintf(s->second, sizeof s->second, "%.250s", dev);
}

/* Two matches are an error that names both: guessing could mount the
 * wrong disk. */
static bool find_by_tag(struct tag_search *s, struct probe_result *r)
{
	if (state_each_block("/sys/class/block", consider_tag, s) < 0) {
		snprintf(r->reason, sizeof r->reason, "cannot list /sys/class/block: %s",
			 strerror(errno));
		return false;
	}
	if (s->matches == 1) {
		*r = s->match;
		return true;
	}
	if (s->matches > 1) {
		memset(r, 0, sizeof *r);
		r->verdict = PROBE_ERROR;
		snprintf(r->device, sizeof r->device, "%.120s and %.120s", s->match.device,
			 s->second);
		snprintf(r->reason, sizeof r->reason,
			 "both carry %s=%.100s: give the state device by path (state.device in "
			 "the image's YAML, or stele.state=/dev/...)",
			 s->tag, s->value);
		return true;
	}
	snprintf(r->reason, sizeof r->reason, "no device carries %s=%.300s", s->tag, s->value);
	return false;
}

/* One look at the devices; final on the last one, at the end of the wait.
 * True when r holds the outcome. */
static bool find_once(const struct state_config *cfg, struct auto_search *autos, bool final,
		      struct probe_result *r)
{
	const char *spec = cfg->spec;
	if (spec[0] == '/')
		return find_path(spec, r);
	if (strcmp(spec, "auto") == 0)
		return state_auto_scan(cfg, autos, final, r);
	struct tag_search s = {.tag = "UUID", .value = spec + 5};
	if (!strncmp(spec, "LABEL=", 6)) {
		s.tag = "LABEL";
		s.value = spec + 6;
	}
	return find_by_tag(&s, r);
}

void state_probe_find(const struct state_config *cfg, struct probe_result *r)
{
	long long deadline = boottime_ms_int() + (long long)cfg->wait_s * 1000;
	struct auto_search autos;
	memset(&autos, 0, sizeof autos);
	memset(r, 0, sizeof *r);
	for (;;) {
		bool final = boottime_ms_int() >= deadline;
		if (find_once(cfg, &autos, final, r))
			return;
		if (final)
			break;
		sleep_ms(cfg->spec[0] == '/' ? POLL_MS : SCAN_POLL_MS);
	}
	char why[sizeof r->reason];
	snprintf(why, sizeof why, "%s", r->reason);
	memset(r, 0, sizeof *r);
	r->verdict = PROBE_NOT_FOUND;
	snprintf(r->device, sizeof r->device, "%s", cfg->spec);
	snprintf(r->reason, sizeof r->reason, "not found within %d s: %.360s", cfg->wait_s, why);
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
	r->choice[sizeof r->choice - 1] = '\0';
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
