/* service: loading the table from CONTAINERS/services (header). */
#include "lib/clock.h"
#include "supervisor/bundleparse.h"
#include "supervisor/console.h"
#include "supervisor/deps.h"
#include "supervisor/spec.h"
#include "supervisor/supervise.h"

#include "lib/log.h"
#include "lib/state_status.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SERVICES	 512
#define PARSE_TIMEOUT_MS 30000

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Its lifecycle begins broken: never started. */
static void mark_bad(struct service *s, const char *why)
{
	s->state = SVC_BROKEN;
	snprintf(s->detail, sizeof s->detail, "%.250s", why);
	console_failed("%s: %s", s->name, why);
}

/* The state volume is unavailable (required, or fsck failed): a service that
 * binds from it would write to the tmpfs underneath and lose the data. */
static const char *state_unavailable(const struct sv_options *o)
{
	static char status[256];
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/state-status", o->run_dir);
	if (state_status_read(path, status, sizeof status) != STATE_STATUS_UNAVAILABLE)
		return NULL;
	return status;
}

/* Take what the parser child found; refuse binds from an unavailable state
 * volume. */
static void take_parsed(struct service *s, struct parsed_bundle *b)
{
	if (!b->ok) {
		mark_bad(s, b->err);
		return;
	}
	s->conf = b->conf;
	b->conf.depends_on = NULL;
	b->conf.n_depends = 0;
	const struct sv_options *o = s->table->opt;
	const char *blocked = state_unavailable(o);
	if (blocked && (s->conf.binds_state || b->binds_state_dir)) {
		char why[256];
		snprintf(why, sizeof why,
			 "not started: it binds from %.60s but the state volume is %.120s",
			 o->state_mountpoint, blocked);
		mark_bad(s, why);
		return;
	}
	s->spec = b->spec;
	s->spec_len = b->spec_len;
	b->spec = NULL;
	s->early = b->early;
	snprintf(s->late_why, sizeof s->late_why, "%s", b->late_why);
	snprintf(s->shim_group_name, sizeof s->shim_group_name, "%s", b->shim_group_name);
}

static void read_output(struct service *s)
{
	if (logstore_drain(&s->log, s->fifo_fd) < 0 && errno)
		log_warn("%s: reading its output: %s", s->name, strerror(errno));
}

static void drain_fifo(struct watch *w, uint32_t events)
{
	(void)events;
	read_output(w->data);
}

size_t service_last_words(struct service *s, char *out, size_t len)
{
	if (s->fifo_fd >= 0)
		read_output(s);
	return ring_last_line(&s->log.ring, s->run_log_from, out, len);
}

void services_read_output(struct services *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->svcs[i].fifo_fd >= 0)
			read_output(&t->svcs[i]);
}

/* The FIFO survives a supervisor restart, so a shim still writing to it
 * is read again by the next supervisor. O_RDWR: with a writer of our own it
 * never reports hang-up between two runs of the service. */
static int open_fifo(struct service *s)
{
	snprintf(s->fifo, sizeof s->fifo, "%s/fifo/%s", s->table->opt->run_dir, s->name);
	if (mkfifo(s->fifo, 0600) < 0 && errno != EEXIST)
		return -1;
	s->fifo_fd = open(s->fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (s->fifo_fd < 0)
		return -1;
	return loop_add(&s->fifo_watch, s->fifo_fd, EPOLLIN, drain_fifo, s);
}

static void setup_runtime(struct service *s)
{
	const struct sv_options *o = s->table->opt;
	if (logstore_init(&s->log, s->name, o->log_dir, o->log_max_size) < 0) {
		mark_bad(s, "no memory for its log ring");
		return;
	}
	if (s->conf.console && logstore_mirror(&s->log, console_line) < 0)
		log_warn("%s: console: true: %s; its output stays in its log", s->name,
			 strerror(errno));
	if (timer_init(&s->timer, supervise_timer, s) < 0 || open_fifo(s) < 0) {
		char why[300];
		snprintf(why, sizeof why, "its output FIFO %.200s: %s", s->fifo, strerror(errno));
		mark_bad(s, why);
		return;
	}
	if (s->conf.ready == READY_NOTIFY &&
	    notify_open(&s->notify, s->notify_dir, s->name, &s->pid, s->table->ev) < 0) {
		char why[300];
		snprintf(why, sizeof why, "notify socket in %.200s: %s", s->notify_dir,
			 strerror(errno));
		mark_bad(s, why);
	}
}

static void init_one(struct services *t, struct service *s, const char *name)
{
	memset(s, 0, sizeof *s);
	s->table = t;
	snprintf(s->name, sizeof s->name, "%s", name);
	snprintf(s->dir, sizeof s->dir, "%s/services/%s", t->opt->containers, name);
	snprintf(s->notify_dir, sizeof s->notify_dir, "%s/notify/%s", t->opt->run_dir, name);
	s->fifo_fd = s->notify.fd = -1;
	s->state = SVC_WAITING;
	s->state_since_ms = boottime_ms();
	restart_history_init(&s->history);
	svcconf_defaults(&s->conf);
}

/* Parse every bundle in a child (bundleparse.h), then set up what the
 * usable ones need here: log, FIFO, timer, notify socket. */
static void load_all(struct services *t)
{
	struct bundle_request *req = calloc(t->n + 1, sizeof *req);
	struct parsed_bundle *parsed = calloc(t->n + 1, sizeof *parsed);
	if (!req || !parsed) {
		for (size_t i = 0; i < t->n; i++)
			mark_bad(&t->svcs[i], "no memory to load the bundle");
		free(req);
		free(parsed);
		return;
	}
	for (size_t i = 0; i < t->n; i++) {
		t->svcs[i].shim_group = spec_shim_group(i, t->n);
		req[i] = (struct bundle_request){.dir = t->svcs[i].dir,
						 .name = t->svcs[i].name,
						 .notify_dir = t->svcs[i].notify_dir,
						 .shim_group = t->svcs[i].shim_group};
	}
	char err[BUNDLE_ERR_LEN], onboot[PATH_MAX];
	snprintf(onboot, sizeof onboot, "%s/onboot", t->opt->containers);
	if (bundles_parse(req, t->n, t->opt->ns, t->opt->state_mountpoint,
			  t->opt->no_onboot ? NULL : onboot, parsed, PARSE_TIMEOUT_MS, err,
			  sizeof err) < 0)
		log_err("%s", err);
	for (size_t i = 0; i < t->n; i++) {
		struct service *s = &t->svcs[i];
		take_parsed(s, &parsed[i]);
		svcconf_free(&parsed[i].conf);
		free(parsed[i].spec);
		if (s->state != SVC_BROKEN)
			setup_runtime(s);
	}
	free(req);
	free(parsed);
}

/* The builder refuses services without containerd in init:; an image made
 * otherwise gets a reason per service instead of a containerd restarted
 * forever. */
static void check_containerd(struct services *t)
{
	if (!t->n || access(t->opt->containerd_bin, X_OK) == 0)
		return;
	char why[200];
	snprintf(why, sizeof why,
		 "containerd is not in this image (%.80s: %s): add containerd to init:",
		 t->opt->containerd_bin, strerror(errno));
	t->no_containerd = true;
	for (size_t i = 0; i < t->n; i++)
		if (t->svcs[i].state != SVC_BROKEN)
			mark_bad(&t->svcs[i], why);
}

static void resolve_dependencies(struct services *t)
{
	struct dep_node *nodes = calloc(t->n + 1, sizeof *nodes);
	if (!nodes)
		return;
	for (size_t i = 0; i < t->n; i++) {
		struct service *s = &t->svcs[i];
		s->dep_index = calloc(s->conf.n_depends + 1, sizeof *s->dep_index);
		nodes[i].name = s->name;
		nodes[i].depends_on = s->conf.depends_on;
		nodes[i].n_depends = s->dep_index ? s->conf.n_depends : 0;
		nodes[i].dep_index = s->dep_index;
	}
	deps_resolve(nodes, t->n);
	for (size_t i = 0; i < t->n; i++)
		if (nodes[i].err[0] && t->svcs[i].state != SVC_BROKEN)
			mark_bad(&t->svcs[i], nodes[i].err);
	free(nodes);
}

/* Service logs are in /var/log, a tmpfs; with the state volume mounted
 * they must outlive a reboot: STATE_MOUNTPOINT/log is bound there. A
 * supervisor restarted by PID 1 finds it bound already. */
static void persist_logs(const struct sv_options *o)
{
	char path[PATH_MAX], src[PATH_MAX];
	snprintf(path, sizeof path, "%s/state-status", o->run_dir);
	if (o->log_dir_given || state_status_read(path, NULL, 0) != STATE_STATUS_MOUNTED)
		return;
	snprintf(src, sizeof src, "%s/log", o->state_mountpoint);
	struct stat a, b;
	if (mkdir(src, 0755) < 0 && errno != EEXIST) {
		log_warn("%s: %s; service logs stay on the tmpfs", src, strerror(errno));
		return;
	}
	if (stat(src, &a) == 0 && stat(o->log_dir, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino)
		return;
	if (mount(src, o->log_dir, NULL, MS_BIND, NULL) < 0)
		log_warn("bind %s on %s: %s; service logs stay on the tmpfs", src, o->log_dir,
			 strerror(errno));
}

static int make_dirs(const struct sv_options *o)
{
	const char *subdirs[] = {"", "/fifo", "/notify"};
	for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s%s", o->run_dir, subdirs[i]);
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			log_err("%s: %s: check that %s is a writable tmpfs", path, strerror(errno),
				o->run_dir);
			return -1;
		}
	}
	if (mkdir(o->log_dir, 0755) < 0 && errno != EEXIST)
		log_warn("log dir %s: %s; service logs stay in memory", o->log_dir,
			 strerror(errno));
	else
		persist_logs(o);
	return 0;
}

/* Each name of a userdata list (/run/config/services/{enabled,disabled},
 * one per line). Only optional services may be switched; disabled wins. */
static void apply_list(struct services *t, const char *which)
{
	char path[PATH_MAX], name[128];
	snprintf(path, sizeof path, "%s/services/%s", t->opt->config_dir, which);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	bool disable = strcmp(which, "disabled") == 0;
	while (fgets(name, sizeof name, f)) {
		name[strcspn(name, "\r\n")] = '\0';
		if (!name[0] || name[0] == '#')
			continue;
		struct service *s = service_find(t, name);
		if (!s) {
			log_warn("%s: no service %s: ignored", path, name);
		} else if (!s->conf.optional) {
			log_warn(
			    "%s: %s is not optional: ignored (the image must say \"optional\": "
			    "true in its stele.json)",
			    path, name);
		} else if (disable && s->state != SVC_BROKEN) {
			/* Its lifecycle begins stopped. */
			s->state = SVC_STOPPED;
			snprintf(s->detail, sizeof s->detail, "disabled by userdata (%.200s)",
				 path);
		}
	}
	fclose(f);
}

int services_load(struct services *t, const struct sv_options *opt, const struct sv_events *ev)
{
	*t = (struct services){.opt = opt, .ev = ev, .boot_start_ms = boottime_ms()};
	if (make_dirs(opt) < 0)
		return -1;
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/services", opt->containers);
	DIR *d = opendir(dir);
	if (!d) {
		if (errno != ENOENT)
			log_err("%s: %s: no services will start", dir, strerror(errno));
		return 0;
	}
	char *names[MAX_SERVICES];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (!service_name_valid(e->d_name)) {
			log_err(
			    "%s/%s: not a valid service name (letters, digits, - _ ., up to 63): "
			    "rename it",
			    dir, e->d_name);
			continue;
		}
		if (n == MAX_SERVICES) {
			log_err("%s: more than %d services: the rest are ignored", dir,
				MAX_SERVICES);
			break;
		}
		if (!(names[n] = strdup(e->d_name)))
			break;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof names[0], by_name);
	t->svcs = calloc(n + 1, sizeof *t->svcs);
	if (!t->svcs) {
		log_err("no memory for %zu services", n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		init_one(t, &t->svcs[i], names[i]);
		free(names[i]);
	}
	t->n = n;
	load_all(t);
	resolve_dependencies(t);
	apply_list(t, "enabled");
	apply_list(t, "disabled");
	check_containerd(t);
	log_info("%zu services in %s", n, dir);
	return 0;
}

bool services_want_containerd(const struct services *t)
{
	return t->n > 0 && !t->no_containerd;
}
