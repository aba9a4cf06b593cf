#include "ctl/update.h"

#include "lib/clock.h"
#include "lib/fdio.h"
#include "lib/log.h"
#include "lib/spawn.h"
#include "lib/timeline.h"
#include "update/esp.h"
#include "update/fetch.h"
#include "update/install.h"
#include "update/slots.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TRIAL_FILE     UPDATE_TRIAL_DIR "/last-trial"
#define TRIAL_TIMELINE UPDATE_TRIAL_DIR "/last-trial-timeline.json"
#define SERVICES_DIR   "/containers/services"
#define TIMELINE_MAX   (4 * 1024 * 1024)
#define FETCHED_NAME   "fetched.efi"
#define FETCH_RUN_DIR  "/run/stele-update"

static FILE *console;

/* --boot speaks on the console, as the supervisor does; else stdout. */
static void say(const char *fmt, ...)
{
	FILE *f = console ? console : stdout;
	va_list ap;
	va_start(ap, fmt);
	fputs("stele: update: ", f);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fflush(f);
	va_end(ap);
}

static long healthy_after(void)
{
	FILE *f = fopen(UPDATE_INIT_CONF, "re");
	long v = 60;
	char line[256];
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "update_healthy_after=", 21))
			v = strtol(line + 21, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/* The .osrel of a slot's file, for its version and build. */
static void slot_info(const struct slot *s, struct uki_info *info)
{
	memset(info, 0, sizeof *info);
	if (s->state == SLOT_EMPTY)
		return;
	char path[PATH_MAX];
	snprintf(path, sizeof path, ESP_MOUNT "/" SLOTS_DIR "/%s", s->file);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		uki_check_fd(fd, info);
		close(fd);
	}
}

/* The failed trial's record on the state volume, if any. */
static void trial_read(char *out, size_t len)
{
	out[0] = '\0';
	int fd = open(TRIAL_FILE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, out, len - 1);
	close(fd);
	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

static void trial_write(const char *fmt, ...)
{
	if (mkdir(UPDATE_TRIAL_DIR, 0700) < 0 && errno != EEXIST)
		return;
	FILE *f = fopen(TRIAL_FILE ".tmp", "we");
	if (!f)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
	fsync(fileno(f));
	fclose(f);
	rename(TRIAL_FILE ".tmp", TRIAL_FILE);
}

/* The trial boot's timeline so far, kept next to its record: the state
 * volume outlives the boot that a reset or a reboot ends. */
static void trial_keep_timeline(void)
{
	int in = open(TIMELINE_JSON, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return;
	int out = open(TRIAL_TIMELINE ".tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	char buf[65536];
	ssize_t n, total = 0;
	while (out >= 0 && (n = read(in, buf, sizeof buf)) > 0 && total < TIMELINE_MAX) {
		if (write_all(out, buf, (size_t)n) < 0)
			break;
		total += n;
	}
	close(in);
	if (out < 0)
		return;
	if (fsync(out) == 0 && close(out) == 0)
		rename(TRIAL_TIMELINE ".tmp", TRIAL_TIMELINE);
	else
		unlink(TRIAL_TIMELINE ".tmp");
}

/* The record belongs to the slot that made it: a blessing, or a new
 * install in its place, ends it (else a trial that fails before boot
 * complete, leaving none, would be given the previous trial's why). */
static void trial_forget(void)
{
	unlink(TRIAL_FILE);
	unlink(TRIAL_TIMELINE);
}

/* What the failed trial left: its last words, and where its timeline is. */
static void trial_why(char *out, size_t len)
{
	char why[512];
	trial_read(why, sizeof why);
	if (!why[0]) {
		snprintf(out, len,
			 "why unknown (it left no record: it failed before boot complete)");
		return;
	}
	snprintf(out, len, "%s%s", why,
		 access(TRIAL_TIMELINE, R_OK) == 0 ? "; its last boot's timeline: " TRIAL_TIMELINE
						   : "");
}

static void print_slots(FILE *out);

void update_status(void)
{
	print_slots(stdout);
}

/* The slot lines of stelectl status; --boot puts them on the console. */
static void print_slots(FILE *out)
{
	char err[512];
	struct slot s[2];
	char run = slot_running();
	if (!run || esp_mount(err, sizeof err) < 0 || slots_scan(ESP_MOUNT, s) < 0)
		return;
	for (int i = 0; i < 2; i++) {
		struct uki_info info;
		slot_info(&s[i], &info);
		fprintf(out, "%sslot %c: %s", out == console ? "stele: update: " : "", s[i].letter,
			slot_state_name(s[i].state));
		if (s[i].state == SLOT_TRYING)
			fprintf(out, " (%d tries left)", s[i].tries_left);
		if (s[i].state != SLOT_EMPTY)
			fprintf(out, ", %s version %s build %s", info.name[0] ? info.name : "?",
				info.version[0] ? info.version : "?",
				info.build[0] ? info.build : "?");
		fprintf(out, "%s\n", s[i].letter == run ? ", running" : "");
	}
	int other = run == 'a' ? 1 : 0;
	if (run && s[run - 'a'].state == SLOT_GOOD && s[other].state == SLOT_BAD) {
		char why[768];
		trial_why(why, sizeof why);
		fprintf(out, "%supdate rolled back: slot %c failed %d boots; %s\n",
			out == console ? "stele: update: " : "", s[other].letter,
			s[other].tries_done, why);
	}
}

/* An optional service (stele.json "optional": true) may fail without
 * failing the slot: only the required ones count. */
static bool service_optional(const char *name)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, SERVICES_DIR "/%s/stele.json", name);
	json_t *j = json_load_file(path, 0, NULL);
	bool optional = json_is_true(json_object_get(j, "optional"));
	json_decref(j);
	return optional;
}

/* Every required service running or ready: 1; one failed (given up
 * after its restart limit: a crash loop): -1, with what it was in
 * failed; else 0. */
static int services_health(char *failed, size_t len)
{
	char *body = ctl_status_body();
	if (!body)
		return 0;
	int rc = 1;
	for (char *save = NULL, *line = strtok_r(body, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[N_FIELDS] = {0};
		if (ctl_status_fields(line, f) != N_FIELDS || strcmp(f[F_KIND], "service") != 0 ||
		    service_optional(f[F_NAME]))
			continue;
		if (!strcmp(f[F_STATE], "failed")) {
			snprintf(failed, len, "%s failed after %s restarts (%s)", f[F_NAME],
				 f[F_RESTARTS], f[F_DETAIL][0] ? f[F_DETAIL] : "no detail");
			rc = -1;
			break;
		}
		if (strcmp(f[F_STATE], "running") && strcmp(f[F_STATE], "ready"))
			rc = 0;
	}
	free(body);
	return rc;
}

static int bless_when_healthy(const struct slot *run)
{
	long after = healthy_after();
	say("slot %c on trial (%d tries left): blessing it after %ld s with every service "
	    "running",
	    run->letter, run->tries_left, after);
	trial_write("slot %c reached boot complete, then its boot ended before it had been "
		    "healthy for %ld s (a reset: a hang the watchdog ended, or a power cut)",
		    run->letter, after);
	trial_keep_timeline();
	double start = boottime_ms(), healthy_since = -1;
	while (boottime_ms() - start < (after + UPDATE_HEALTH_BOUND_S) * 1000.0) {
		char failed[128] = "";
		int h = services_health(failed, sizeof failed);
		double now = boottime_ms();
		if (h < 0) {
			trial_write("slot %c: required service %s before the slot was blessed",
				    run->letter, failed);
			trial_keep_timeline();
			say("slot %c: required service %s before blessing; rebooting (a try is "
			    "used)",
			    run->letter, failed);
			return ctl_power("reboot");
		}
		if (h == 0)
			healthy_since = -1;
		else if (healthy_since < 0)
			healthy_since = now;
		if (healthy_since >= 0 && now - healthy_since >= after * 1000.0) {
			char err[512];
			if (update_bless(err, sizeof err) < 0) {
				say("blessing slot %c: %s", run->letter, err);
				return 1;
			}
			trial_forget();
			say("slot %c blessed: it is the default now", run->letter);
			print_slots(console);
			return 0;
		}
		sleep(1);
	}
	trial_write("slot %c: required services not all running within %ld s", run->letter,
		    after + UPDATE_HEALTH_BOUND_S);
	trial_keep_timeline();
	say("slot %c: not healthy in time; rebooting (a try is used)", run->letter);
	return ctl_power("reboot");
}

static bool is_http(const char *url)
{
	return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
}

/* userdata {"stele": {"update": {"url": "...", "tries": N}}}: a path, a
 * file:// URL, or an http(s) URL (fetched by stele-fetch). */
static int userdata_url(char *out, size_t len, int *tries)
{
	json_t *root = json_load_file(UPDATE_USERDATA, 0, NULL);
	json_t *upd = json_object_get(json_object_get(root, "stele"), "update");
	const char *url = json_string_value(json_object_get(upd, "url"));
	json_int_t t = json_integer_value(json_object_get(upd, "tries"));
	*tries = t >= 1 && t <= 9 ? (int)t : UPDATE_TRIES_DEF;
	int rc = -1;
	if (url && (strncmp(url, "file://", 7) == 0 || url[0] == '/' || is_http(url))) {
		snprintf(out, len, "%s", strncmp(url, "file://", 7) ? url : url + 7);
		rc = 0;
	} else if (url) {
		say("userdata stele.update.url %s: give a path, a file:// or an http(s):// URL",
		    url);
	}
	json_decref(root);
	return rc;
}

static void refuse(const char *msg)
{
	if (console)
		say("%s", msg);
	else
		log_err("update: %s", msg);
}

static char fetched_file[PATH_MAX];

/* Where a fetched update waits for its checks: on the state volume when
 * there is one (UPDATE_TRIAL_DIR), else in /run (memory); never on the
 * ESP. */
static int fetched_path(void)
{
	const char *dir = access("/var/lib", W_OK) == 0 ? UPDATE_TRIAL_DIR : FETCH_RUN_DIR;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -1;
	snprintf(fetched_file, sizeof fetched_file, "%s/" FETCHED_NAME, dir);
	return 0;
}

/* stele-fetch URL > fetched_file, bounded. 0, or -1 after one line
 * (stele-fetch's, or why it could not run); the partial file is removed,
 * so a failed fetch writes nothing that stays, and nothing on the ESP. */
static int fetch(const char *url)
{
	char msg[1024];
	if (access(FETCH_BIN, X_OK) < 0) {
		snprintf(msg, sizeof msg,
			 "%s: cannot fetch: %s is missing; build the image with the fetch init "
			 "component (init: [..., stelectl, fetch])",
			 url, FETCH_BIN);
		refuse(msg);
		return -1;
	}
	if (fetched_path() < 0) {
		snprintf(msg, sizeof msg, "%s: cannot fetch: creating a folder for it: %s", url,
			 strerror(errno));
		refuse(msg);
		return -1;
	}
	int out = open(fetched_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int errfd = memfd_create("stele-fetch-err", MFD_CLOEXEC);
	pid_t pid = -1;
	if (out >= 0 && errfd >= 0) {
		struct spawn_opts o = SPAWN_OPTS_DEFAULT;
		o.stdout_fd = out;
		o.stderr_fd = errfd;
		char *argv[] = {FETCH_BIN, (char *)url, NULL};
		pid = spawn(FETCH_BIN, argv, &o);
	}
	int status = -1,
	    w = pid < 0 ? -1 : wait_pid_timeout(pid, (FETCH_TOTAL_S + 30) * 1000, &status);
	if (w == 1) {
		kill(pid, SIGKILL);
		wait_pid_timeout(pid, 5000, &status);
		status = -1;
	}
	msg[0] = '\0';
	if (errfd >= 0) {
		ssize_t n = pread(errfd, msg, sizeof msg - 1, 0);
		msg[n > 0 ? n : 0] = '\0';
		msg[strcspn(msg, "\n")] = '\0';
		close(errfd);
	}
	if (out >= 0)
		close(out);
	if (w == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	unlink(fetched_file);
	const char *prefix = "stele-fetch: ";
	char line[1200];
	if (!strncmp(msg, prefix, strlen(prefix)))
		snprintf(line, sizeof line, "%s", msg + strlen(prefix));
	else
		snprintf(line, sizeof line, "%s: cannot fetch: %s", url,
			 msg[0]
			     ? msg
			     : (w == 1 ? "stele-fetch did not finish in time" : strerror(errno)));
	refuse(line);
	return -1;
}

/* file: the update; shown: what to call it (the URL it came from).
 * Returns 0 when installed; the caller reboots when it said so (after
 * removing a fetched copy). */
static int install(const char *file, const char *shown, int tries, bool reboot)
{
	char err[768];
	struct uki_info info;
	if (update_install(file, tries, &info, err, sizeof err) < 0) {
		size_t n = strlen(file);
		char line[1024];
		if (shown != file && !strncmp(err, file, n))
			snprintf(line, sizeof line, "%s%s", shown, err + n);
		else
			snprintf(line, sizeof line, "%s", err);
		refuse(line);
		return 1;
	}
	trial_forget();
	say("%s (%s version %s build %s) installed in the inactive slot with %d tries%s", shown,
	    info.name, info.version, info.build, tries, reboot ? "; rebooting" : "");
	return 0;
}

/* FILE.efi or --url: a URL is fetched, then installed as a file; the
 * fetched copy goes. */
static int install_cmd(const char *what, int tries, bool reboot)
{
	if (!is_http(what)) {
		int rc = install(what, what, tries, reboot);
		return rc == 0 && reboot ? ctl_power("reboot") : rc;
	}
	if (fetch(what) < 0)
		return 1;
	int rc = install(fetched_file, what, tries, reboot);
	unlink(fetched_file);
	return rc == 0 && reboot ? ctl_power("reboot") : rc;
}

/* Whether the update file at fd is already running, or rolled back:
 * then userdata's update is done (saying so for a rollback). */
static bool done_already(int fd, const struct slot s[2], char run)
{
	struct uki_info want, have;
	if (uki_check_fd(fd, &want) < 0)
		return false; /* install() says why it refuses */
	for (int i = 0; i < 2; i++) {
		slot_info(&s[i], &have);
		bool same = have.build[0] && !strcmp(have.build, want.build);
		if (same && s[i].letter == run)
			return true;
		if (same && s[i].state == SLOT_BAD) {
			say("userdata asks for build %s, which was rolled back; not trying it "
			    "again",
			    want.build);
			return true;
		}
	}
	return false;
}

/* The update userdata asks for, unless it runs already or failed. A URL
 * is fetched first (at each boot while userdata names it): its build is
 * in the file. */
static int follow_userdata(const struct slot s[2], char run)
{
	char want[PATH_MAX];
	int tries;
	if (userdata_url(want, sizeof want, &tries) < 0)
		return 0;
	bool fetched = is_http(want);
	if (fetched && fetch(want) < 0)
		return 0;
	const char *path = fetched ? fetched_file : want;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool done = fd >= 0 && done_already(fd, s, run);
	if (fd >= 0)
		close(fd);
	int rc = done ? 1 : install(path, want, tries, true);
	if (fetched)
		unlink(fetched_file);
	return rc == 0 ? ctl_power("reboot") : 0;
}

static int boot_mode(void)
{
	console = fopen("/dev/console", "we");
	char err[512];
	struct slot s[2];
	char run = slot_running();
	if (!run) {
		/* Not started by systemd-boot (a UKI or kernel booted on its
		 * own has no slots): nothing to say. Started by it from an
		 * entry that is no slot: say so. */
		char entry[256];
		int r = efivar_read("LoaderEntrySelected", entry, sizeof entry);
		if (r == 0)
			say("no slot to check: the boot loader started %s, not stele-a or stele-b",
			    entry);
		else if (r == -2)
			say("cannot read the boot loader's EFI variables: efivarfs does not mount "
			    "(is the efivarfs module in the image?)");
		return 0;
	}
	if (esp_mount(err, sizeof err) < 0 || slots_scan(ESP_MOUNT, s) < 0) {
		say("slot %c: %s", run, err[0] ? err : strerror(errno));
		return 1;
	}
	struct slot *me = &s[run - 'a'], *other = &s[run == 'a' ? 1 : 0];
	if (me->state != SLOT_GOOD)
		return bless_when_healthy(me);
	if (other->state == SLOT_BAD) {
		char why[768];
		struct uki_info info;
		slot_info(other, &info);
		trial_why(why, sizeof why);
		say("an update was rolled back: slot %c (version %s build %s) failed %d boots; %s",
		    other->letter, info.version[0] ? info.version : "?",
		    info.build[0] ? info.build : "?", other->tries_done, why);
	}
	if (console)
		print_slots(console);
	return follow_userdata(s, run);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: stelectl update FILE.efi [--no-reboot] [--tries N]\n"
		"       stelectl update --url http[s]://HOST/NEW.efi [--no-reboot] [--tries N]\n"
		"       stelectl update --rollback [--no-reboot]\n");
	return 2;
}

int cmd_update(int argc, char **argv)
{
	const char *file = NULL, *url = NULL;
	bool reboot = true, rollback = false, boot = false;
	int tries = UPDATE_TRIES_DEF;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-reboot"))
			reboot = false;
		else if (!strcmp(argv[i], "--rollback"))
			rollback = true;
		else if (!strcmp(argv[i], "--boot"))
			boot = true;
		else if (!strcmp(argv[i], "--url") && i + 1 < argc)
			url = argv[++i];
		else if (!strcmp(argv[i], "--tries") && i + 1 < argc) {
			char *end;
			long t = strtol(argv[++i], &end, 10);
			if (*end || t < 1 || t > 9) {
				log_err("update: --tries %s: give 1 to 9", argv[i]);
				return 2;
			}
			tries = (int)t;
		} else if (argv[i][0] != '-' && !file)
			file = argv[i];
		else
			return usage();
	}
	if (boot)
		return boot_mode();
	if (rollback && !file) {
		char err[512];
		if (update_rollback(err, sizeof err) < 0) {
			log_err("update: %s", err);
			return 1;
		}
		say("rolling back: the other slot is the default now%s",
		    reboot ? "; rebooting" : "");
		return reboot ? ctl_power("reboot") : 0;
	}
	if (url && !file && !rollback) {
		if (!is_http(url)) {
			log_err("update: --url %s: give an http:// or https:// URL (a file: "
				"stelectl update FILE.efi)",
				url);
			return 2;
		}
		return install_cmd(url, tries, reboot);
	}
	if (!file || rollback || url)
		return usage();
	return install_cmd(file, tries, reboot);
}
