#include "onboot/runner.h"

#include "hostlib/bind_sources.h"
#include "hostlib/hooks.h"
#include "hostlib/settings.h"
#include "lib/log.h"
#include "lib/output.h"
#include "lib/spawn.h"
#include "lib/timeline.h"
#include "onboot/attempt_create.h"
#include "onboot/attempt_run.h"
#include "onboot/bundle.h"
#include "onboot/job.h"
#include "onboot/watch.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#define TIMELINE_SRC "stele-onboot"

struct tally {
	unsigned ok, failed, skipped;
};

/* Before the hooks, so that a runtime.mkdir of the same directory does not
 * make it root's. bundle_check() has read config.json as JSON already. */
static int create_bind_sources(const struct job *j, char *err, size_t len)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/config.json", j->bundle->dir);
	json_error_t jerr;
	json_t *spec = json_load_file(path, 0, &jerr);
	if (!spec) {
		snprintf(err, len, "config.json: line %d: %.200s: fix the JSON", jerr.line,
			 jerr.text);
		return -1;
	}
	int rc = bind_sources_create(spec, j->cfg->state_mountpoint, err, len);
	json_decref(spec);
	return rc;
}

/* Per attempt: a stale container deleted, the host hooks (first attempt),
 * the output pipe; then one of the two ways of running it (job.h); then
 * no container, no zombie, and its output flushed. */
static struct result run_attempt(struct job *j)
{
	struct result res = {.outcome = OUTCOME_ERROR};
	const struct runc *runc = &j->cfg->runc;
	const char *name = j->bundle->name;
	char err[512];
	if (runc_has_state(runc, name)) {
		log_warn("%s: removing a container of that name left by an earlier run", name);
		runc_delete(runc, name, j->log_fd);
	}
	if (!j->host_hooks_done) {
		if (create_bind_sources(j, err, sizeof err) < 0 ||
		    hooks_before_create(&j->settings.runtime, j->bundle->dir, err, sizeof err) <
			0) {
			log_err("%s: %s", name, err);
			return res;
		}
		j->host_hooks_done = true;
	}
	/* Only our end is non-blocking: the container writes a blocking pipe. */
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		log_err("%s: pipe: %s", name, strerror(errno));
		return res;
	}
	if (fcntl(pipefd[0], F_SETFL, O_NONBLOCK) < 0) {
		log_err("%s: pipe: %s", name, strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return res;
	}
	int out_fd = pipefd[0];
	unlink(j->pid_file);
	if (hooks_after_create_any(&j->settings.runtime))
		res = attempt_create(j, pipefd[1], &out_fd);
	else
		res = attempt_run(j, pipefd[1], &out_fd);
	unlink(j->pid_file);
	if (runc_has_state(runc, name))
		runc_delete(runc, name, j->log_fd);
	watch_drain(j, &out_fd);
	watch_reap_strays();
	return res;
}

/* Every attempt ends with "end" or "failed": readers close spans on those
 * two (ctl/analyze.c); the console line says why it failed. */
static const char *outcome_event(enum outcome o)
{
	return o == OUTCOME_OK ? "end" : "failed";
}

/* One line per attempt: how it ended, how long it took, where its log is. */
static void report(const struct job *j, const struct result *res, double ms)
{
	const char *name = j->bundle->name;
	char status[64] = "status unknown";
	if (res->reaped)
		describe_status(res->status, status, sizeof status);
	switch (res->outcome) {
	case OUTCOME_OK:
		log_info("%s: finished in %.0f ms", name, ms);
		break;
	case OUTCOME_FAILED:
		log_err("%s: failed: %s after %.0f ms; log %s", name, status, ms, j->log_path);
		break;
	case OUTCOME_TIMEOUT:
		log_err("%s: failed: timed out after %u s, %s after %.0f ms; log %s", name,
			j->settings.timeout_s, status, ms, j->log_path);
		break;
	case OUTCOME_INTERRUPTED:
		log_err("%s: stopped: stele-onboot was asked to stop (%s after %.0f ms); log %s",
			name, status, ms, j->log_path);
		break;
	case OUTCOME_ERROR:
		log_err("%s: failed: could not run it (see above) after %.0f ms; log %s", name, ms,
			j->log_path);
		break;
	}
	timeline_mark(TIMELINE_SRC, "onboot", name, outcome_event(res->outcome));
}

static enum runner_verdict verdict_after_failure(const struct job *j)
{
	const char *name = j->bundle->name;
	switch (j->settings.on_failure) {
	case ON_FAILURE_HALT:
		log_err("%s: on_failure is halt: asking to halt the system", name);
		return VERDICT_HALT;
	case ON_FAILURE_POWEROFF:
		log_err("%s: on_failure is poweroff: asking to power the system off", name);
		return VERDICT_POWEROFF;
	default:
		return VERDICT_CONTINUE;
	}
}

static int open_log(const struct runner_config *cfg, const char *name, char *path, size_t len)
{
	snprintf(path, len, "%s/%s.log", cfg->log_dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0)
		log_warn("%s: log %s: %s: output goes to the console only", name, path,
			 strerror(errno));
	return fd;
}

static enum runner_verdict run_attempts(struct job *j, struct tally *t)
{
	const char *name = j->bundle->name;
	unsigned runs = 1 + (j->settings.on_failure == ON_FAILURE_RETRY ? j->settings.retries : 0);
	for (unsigned n = 1; n <= runs; n++) {
		if (n == 1)
			log_info("%s: starting", name);
		else
			log_info("%s: starting again (run %u of %u)", name, n, runs);
		timeline_mark(TIMELINE_SRC, "onboot", name, "start");
		double t0 = boottime_ms();
		struct result res = run_attempt(j);
		report(j, &res, boottime_ms() - t0);
		if (res.outcome == OUTCOME_OK) {
			t->ok++;
			return VERDICT_CONTINUE;
		}
		if (res.outcome == OUTCOME_INTERRUPTED || j->interrupted) {
			t->failed++;
			return VERDICT_INTERRUPTED;
		}
	}
	t->failed++;
	return verdict_after_failure(j);
}

static enum runner_verdict run_bundle(const struct runner_config *cfg, const struct bundle *b,
				      int sigfd, struct tally *t)
{
	char err[600], path[PATH_MAX + 16];
	const char *label = b->name[0] ? b->name : b->dir;
	if (bundle_check(b, err, sizeof err) < 0) {
		log_err("%s: skipped: %s", label, err);
		t->skipped++;
		return VERDICT_CONTINUE;
	}
	struct job j = {.cfg = cfg, .bundle = b, .sigfd = sigfd};
	snprintf(path, sizeof path, "%s/stele.json", b->dir);
	if (bundle_settings_load(path, SCHEMA_ONBOOT, &j.settings, err, sizeof err) < 0) {
		log_err("%s: skipped: %s", label, err);
		t->skipped++;
		return VERDICT_CONTINUE;
	}
	j.log_fd = open_log(cfg, b->name, j.log_path, sizeof j.log_path);
	snprintf(j.pid_file, sizeof j.pid_file, "%s/%s.pid", cfg->runc.root, b->name);
	output_init(&j.out, j.log_fd, j.settings.console ? STDERR_FILENO : -1, b->name);
	enum runner_verdict v = run_attempts(&j, t);
	if (j.log_fd >= 0)
		close(j.log_fd);
	bundle_settings_free(&j.settings);
	return v;
}

int runner_block_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	return sigprocmask(SIG_BLOCK, &set, NULL);
}

/* A stop signal that came while no container was being waited for. */
static bool stop_pending(int sigfd)
{
	struct pollfd fd = {.fd = sigfd, .events = POLLIN};
	if (sigfd < 0 || poll(&fd, 1, 0) != 1)
		return false;
	struct signalfd_siginfo info;
	if (read(sigfd, &info, sizeof info) == sizeof info)
		log_warn("got signal %u: skipping the remaining containers", info.ssi_signo);
	return true;
}

/* Readable when SIGTERM or SIGINT is pending; -1 (never) if unavailable. */
static int stop_signal_fd(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		log_warn("signalfd: %s: SIGTERM will not stop containers cleanly", strerror(errno));
	return fd;
}

enum runner_verdict runner_run_all(const struct runner_config *cfg)
{
	double t0 = boottime_ms();
	struct bundle *bundles;
	int n = bundles_list(cfg->bundles_dir, &bundles);
	if (n < 0) {
		log_err("%s: cannot read %s: %s: no %s containers run", cfg->phase,
			cfg->bundles_dir, strerror(errno), cfg->phase);
		return VERDICT_CONTINUE;
	}
	if (n == 0) {
		log_info("%s: no containers in %s", cfg->phase, cfg->bundles_dir);
		free(bundles);
		return VERDICT_CONTINUE;
	}
	if (mkdir_parents(cfg->log_dir) < 0)
		log_warn("%s: log directory %s: %s", cfg->phase, cfg->log_dir, strerror(errno));
	if (mkdir_parents(cfg->runc.root) < 0)
		log_warn("%s: runc root %s: %s", cfg->phase, cfg->runc.root, strerror(errno));
	int sigfd = stop_signal_fd();
	struct tally t = {0};
	enum runner_verdict v = VERDICT_CONTINUE;
	for (int i = 0; i < n && v == VERDICT_CONTINUE; i++)
		v = stop_pending(sigfd) ? VERDICT_INTERRUPTED
					: run_bundle(cfg, &bundles[i], sigfd, &t);
	if (sigfd >= 0)
		close(sigfd);
	free(bundles);
	log_info("%s: %u ok, %u failed, %u skipped of %d in %.0f ms", cfg->phase, t.ok, t.failed,
		 t.skipped, n, boottime_ms() - t0);
	return v;
}
