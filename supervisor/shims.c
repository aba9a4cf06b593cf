/* shims: a default shim group's containerd-shim-runc-v2 before its first
 * task (header). */
#include "supervisor/shims.h"

#include "lib/log.h"
#include "lib/spawn.h"
#include "supervisor/spec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define SHIM_BIN "containerd-shim-runc-v2"

static int open_log(struct shims *s, struct shim_group *g);

void shims_init(struct shims *s, const struct sv_options *opt, struct logstore *log,
		void (*done)(unsigned group, bool up))
{
	memset(s, 0, sizeof *s);
	s->opt = opt;
	s->log = log;
	s->done = done;
	for (size_t i = 0; i < SHIMS_MAX; i++)
		s->g[i].log_fd = -1;
	/* An earlier supervisor's groups: their daemons may wait for a
	 * reader of their log (open_log), whether or not a service of
	 * theirs is started now. */
	for (unsigned k = 0; k < SHIMS_MAX; k++) {
		struct shim_group *g = &s->g[k];
		char path[PATH_MAX + 16];
		snprintf(g->dir, sizeof g->dir, "%s/shims/%u", opt->run_dir, k);
		snprintf(path, sizeof path, "%s/log", g->dir);
		struct stat st;
		if (lstat(path, &st) < 0 || !S_ISFIFO(st.st_mode)) {
			g->dir[0] = '\0';
			continue;
		}
		if (open_log(s, g) < 0)
			log_warn("shim group %u: %s: %s", k, path, strerror(errno));
	}
}

static void read_log(struct watch *w, uint32_t events)
{
	(void)events;
	struct shims *s = w->data;
	if (logstore_drain(s->log, w->fd) < 0 && errno)
		log_warn("a shim's log: %s", strerror(errno));
}

static void shim_id(unsigned k, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%u-shim", SPEC_SHIM_GROUP, k);
}

/* The group's log FIFO RUN/shims/K/log, opened read-write: it never
 * blocks and never hangs up. A FIFO already there is kept, not replaced:
 * an earlier supervisor killed while its `start` ran may have left a
 * daemon blocked in opening it for writing (an open that waits for a
 * reader), with its socket listening, so every task containerd creates in
 * the group would wait for an answer; this open is the reader it waits
 * for (tests/supervisor/68-shim-log-restart). */
static int open_log(struct shims *s, struct shim_group *g)
{
	if (g->log_fd >= 0)
		return 0;
	char path[PATH_MAX + 16];
	struct stat st;
	snprintf(path, sizeof path, "%s/log", g->dir);
	if (lstat(path, &st) < 0 || !S_ISFIFO(st.st_mode)) {
		unlink(path);
		if (mkfifo(path, 0600) < 0)
			return -1;
	}
	g->log_fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (g->log_fd < 0)
		return -1;
	if (loop_add(&g->log_watch, g->log_fd, EPOLLIN, read_log, s) < 0) {
		close(g->log_fd);
		g->log_fd = -1;
		return -1;
	}
	return 0;
}

/* RUN/shims/K with the bundle's config.json (the group) and the shim's log
 * FIFO, which the shim waits to open for writing until a reader has it:
 * opened here read-write, it never blocks and never hangs up. */
static int make_dir(struct shims *s, unsigned k, struct shim_group *g)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/shims", s->opt->run_dir);
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -1;
	snprintf(g->dir, sizeof g->dir, "%s/shims/%u", s->opt->run_dir, k);
	if (mkdir(g->dir, 0700) < 0 && errno != EEXIST)
		return -1;
	snprintf(path, sizeof path, "%s/config.json", g->dir);
	FILE *f = fopen(path, "we");
	if (!f)
		return -1;
	fprintf(f, "{\"annotations\": {\"%s\": \"%s-%u\"}}\n", SPEC_SHIM_GROUP_KEY, SPEC_SHIM_GROUP,
		k);
	if (fclose(f) != 0)
		return -1;
	return open_log(s, g);
}

static void shim_path(const struct sv_options *o, char *buf, size_t len)
{
	const char *slash = strrchr(o->containerd_bin, '/');
	int dir = slash ? (int)(slash - o->containerd_bin) : 0;
	snprintf(buf, len, "%.*s%s" SHIM_BIN, dir, o->containerd_bin, slash ? "/" : "");
}

/* containerd's own environment for a shim (runtime/v2/shim/util.go). */
static char **shim_env(const char *sock, const char *ns)
{
	static char ttrpc[PATH_MAX + 32], grpc[PATH_MAX + 32], nsvar[128];
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 4, sizeof *env);
	if (!env)
		return NULL;
	memcpy(env, environ, n * sizeof *env);
	snprintf(ttrpc, sizeof ttrpc, "TTRPC_ADDRESS=%s.ttrpc", sock);
	snprintf(grpc, sizeof grpc, "GRPC_ADDRESS=%s", sock);
	snprintf(nsvar, sizeof nsvar, "NAMESPACE=%s", ns);
	env[n] = ttrpc;
	env[n + 1] = grpc;
	env[n + 2] = nsvar;
	return env;
}

static void start_one(struct shims *s, unsigned k)
{
	struct shim_group *g = &s->g[k];
	const struct sv_options *o = s->opt;
	char bin[PATH_MAX], sock[PATH_MAX], id[96];
	shim_path(o, bin, sizeof bin);
	snprintf(sock, sizeof sock, "%s/containerd.sock", o->containerd_state);
	shim_id(k, id, sizeof id);
	if (access(bin, X_OK) < 0 || make_dir(s, k, g) < 0) {
		log_warn("shim group %u: %s: %s; its first task is created alone", k,
			 access(bin, X_OK) < 0 ? bin : g->dir, strerror(errno));
		return;
	}
	char *argv[] = {bin,
			"-namespace",
			(char *)o->ns,
			"-address",
			sock,
			"-publish-binary",
			(char *)o->containerd_bin,
			"-id",
			id,
			"start",
			NULL};
	char **env = shim_env(sock, o->ns);
	struct spawn_opts so = SPAWN_OPTS_DEFAULT;
	so.stdout_fd = so.stderr_fd = g->log_fd;
	so.envp = env;
	so.cwd = g->dir;
	/* As containerd's own shims: its score, which the shim raises by one. */
	so.oom_score_adj = "-999";
	g->pid = env ? spawn(bin, argv, &so) : -1;
	if (g->pid < 0) {
		log_warn("shim group %u: spawn %s: %s", k, bin, strerror(errno));
		g->pid = 0;
	}
	free(env);
}

uint64_t shims_start(struct shims *s, uint64_t groups)
{
	uint64_t started = 0;
	for (unsigned k = 0; k < SHIMS_MAX; k++) {
		if ((groups >> k & 1) && !s->g[k].up && !s->g[k].pid)
			start_one(s, k);
		if (s->g[k].pid)
			started |= (uint64_t)1 << k;
	}
	return started;
}

bool shims_reaped(struct shims *s, pid_t pid, int status)
{
	for (unsigned k = 0; k < SHIMS_MAX; k++) {
		struct shim_group *g = &s->g[k];
		if (!pid || g->pid != pid)
			continue;
		g->pid = 0;
		char path[PATH_MAX + 16], how[64];
		snprintf(path, sizeof path, "%s/address", g->dir);
		g->up = WIFEXITED(status) && WEXITSTATUS(status) == 0 && access(path, F_OK) == 0;
		if (!g->up)
			log_warn("shim group %u: `" SHIM_BIN
				 " start` ended with %s; its first task is "
				 "created alone",
				 k, describe_status(status, how, sizeof how));
		s->done(k, g->up);
		return true;
	}
	return false;
}

/* The daemon's command line is containerd's: BIN -namespace NS -id ID
 * -address ...; the runc v2 shim writes no pid file. */
static bool ours(pid_t pid, const char *want)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	return strstr(buf, want) != NULL;
}

/* Kills the daemons of ours still running; the walk of /proc is bounded
 * by the number of processes. */
static void kill_daemons(const struct shims *s, uint64_t groups)
{
	DIR *d = opendir("/proc");
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid <= 1)
			continue;
		for (unsigned k = 0; k < SHIMS_MAX; k++) {
			char want[256], id[96];
			if (!(groups >> k & 1))
				continue;
			shim_id(k, id, sizeof id);
			snprintf(want, sizeof want, SHIM_BIN " -namespace %s -id %s ", s->opt->ns,
				 id);
			if (ours(pid, want) && kill(pid, SIGKILL) < 0 && errno != ESRCH)
				log_warn("shim group %u: SIGKILL %d: %s", k, (int)pid,
					 strerror(errno));
		}
	}
	closedir(d);
}

void shims_stop(struct shims *s)
{
	uint64_t groups = 0;
	for (unsigned k = 0; k < SHIMS_MAX; k++) {
		if (s->g[k].dir[0])
			groups |= (uint64_t)1 << k;
		s->g[k].up = false;
	}
	if (groups)
		kill_daemons(s, groups);
}
