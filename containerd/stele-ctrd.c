/* stele-ctrd: run bundles under containerd through libctrd, for tests and
 * benchmarks (not shipped by default). Every command is one connection,
 * and `run` starts all the bundles it is given in parallel over it.
 *
 * Exit codes: 0 done, 1 a call failed (one line on stderr each),
 * 2 usage, 3 containerd unreachable, connection lost or timed out. */
#include "containerd/ctrd.h"
#include "lib/log.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXIT_CALL  1
#define EXIT_USAGE 2
#define EXIT_CONN  3

static const char *opt_sock = CTRD_SOCKET;
static const char *opt_ns = CTRD_NAMESPACE;
static int opt_timeout_ms = 60000;
static int exit_code = 0;

static void usage(void)
{
	fprintf(stderr,
		"usage: stele-ctrd [-a SOCKET] [-n NAMESPACE] [-t SECONDS] COMMAND\n"
		"  ready                      wait for containerd's API, print its version\n"
		"  config ROOT STATE FILE     write a containerd config.toml (gRPC on SOCKET)\n"
		"  run [-o DIR] ID BUNDLE...  create and start each bundle in parallel, print\n"
		"                             \"ID PID\"; output goes to the FIFOs DIR/ID.out\n"
		"                             and DIR/ID.err when they exist, else to the\n"
		"                             file DIR/ID.log (absolute DIR)\n"
		"  list                       print \"ID STATUS PID EXIT\" per container\n"
		"  kill [-a] ID SIGNAL        signal a task (-a: all its processes)\n"
		"  wait-exit ID               wait for the task to exit, print its status\n"
		"  rm ID...                   delete task and container, print \"ID EXIT\"\n");
	exit(EXIT_USAGE);
}

static struct ctrd *connect_or_die(void)
{
	struct ctrd *c = ctrd_connect(opt_sock, opt_ns);
	if (!c) {
		log_err("cannot connect to containerd at %s: %s (is containerd running?)", opt_sock,
			strerror(errno));
		exit(EXIT_CONN);
	}
	ctrd_set_timeout(c, opt_timeout_ms);
	return c;
}

static void queued_or_die(int rv, const char *what)
{
	if (rv == 0)
		return;
	log_err("%s: cannot queue the call: %s", what, strerror(errno));
	exit(EXIT_CONN);
}

static void run_or_die(struct ctrd *c)
{
	if (ctrd_run_until_idle(c, opt_timeout_ms + 1000) == 0)
		return;
	log_err("containerd: %s", ctrd_error(c)[0] ? ctrd_error(c) : strerror(errno));
	exit(EXIT_CONN);
}

/* Report a failed call; true when it failed. */
static bool failed(const char *id, const char *what, const struct ctrd_result *res)
{
	if (res->grpc_status == CTRD_OK)
		return false;
	log_err("%s: %s: %s: %s", id, what, ctrd_code_name(res->grpc_status), res->message);
	exit_code = EXIT_CALL;
	return true;
}

/* --- ready, config ------------------------------------------------------ */

static void print_version(void *arg, const struct ctrd_result *res)
{
	if (!failed("containerd", "version", res))
		printf("%s\n", res->version);
	(void)arg;
}

static int cmd_ready(void)
{
	char err[512];
	if (ctrd_wait_ready(opt_sock, opt_timeout_ms, err, sizeof err) < 0) {
		log_err("%s", err);
		return EXIT_CONN;
	}
	struct ctrd *c = connect_or_die();
	queued_or_die(ctrd_version(c, print_version, NULL), "version");
	run_or_die(c);
	ctrd_close(c);
	return exit_code;
}

static int cmd_config(int argc, char **argv)
{
	if (argc != 4)
		usage();
	struct ctrd_config cfg = {.root = argv[1], .state = argv[2], .sock = opt_sock};
	if (ctrd_config_write(argv[3], &cfg) < 0) {
		log_err("%s: %s (paths must be non-empty, without quotes or backslashes)", argv[3],
			strerror(errno));
		return EXIT_CALL;
	}
	return 0;
}

/* --- run: container create -> task create -> task start, per bundle ----- */

struct job {
	struct ctrd *c;
	const char *id;
	char out[4200], err[4200];
	bool task_made;
};

/* FIFOs the caller made at DIR/ID.out (and DIR/ID.err) are passed as paths;
 * otherwise both streams go to the file DIR/ID.log (the shim's file mode). */
static void stdio_uris(const char *dir, struct job *job)
{
	struct stat st;
	job->out[0] = job->err[0] = '\0';
	if (!dir)
		return;
	int n = snprintf(job->out, sizeof job->out, "%s/%s.out", dir, job->id);
	if (n < 0 || (size_t)n >= sizeof job->out) {
		log_err("%s: log path too long in %s", job->id, dir);
		exit(EXIT_USAGE);
	}
	if (stat(job->out, &st) == 0 && S_ISFIFO(st.st_mode)) {
		snprintf(job->err, sizeof job->err, "%s/%s.err", dir, job->id);
		if (stat(job->err, &st) < 0 || !S_ISFIFO(st.st_mode))
			job->err[0] = '\0';
		return;
	}
	snprintf(job->out, sizeof job->out, "file://%s/%s.log", dir, job->id);
}

static void undo_done(void *arg, const struct ctrd_result *res)
{
	(void)arg, (void)res; /* best effort: the first error is already reported */
}

/* Leave no half-made container behind, so that the id can be used again. */
static void undo(struct job *job)
{
	if (job->task_made)
		ctrd_task_delete(job->c, job->id, undo_done, NULL);
	ctrd_container_delete(job->c, job->id, undo_done, NULL);
}

static void started(void *arg, const struct ctrd_result *res)
{
	struct job *job = arg;
	if (failed(job->id, "start task", res))
		return undo(job);
	printf("%s %u\n", job->id, res->pid);
	fflush(stdout);
}

static void task_created(void *arg, const struct ctrd_result *res)
{
	struct job *job = arg;
	if (failed(job->id, "create task", res))
		return undo(job);
	job->task_made = true;
	queued_or_die(ctrd_task_start(job->c, job->id, started, job), job->id);
}

static void container_created(void *arg, const struct ctrd_result *res)
{
	struct job *job = arg;
	if (failed(job->id, "create container", res))
		return;
	queued_or_die(ctrd_task_create(job->c, job->id, job->out, job->err, task_created, job),
		      job->id);
}

static int cmd_run(int argc, char **argv)
{
	const char *dir = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "+o:")) != -1) {
		if (opt != 'o')
			usage();
		dir = optarg;
	}
	argc -= optind, argv += optind;
	if (argc == 0 || argc % 2 != 0)
		usage();
	if (dir && dir[0] != '/') {
		log_err("-o %s: give an absolute directory (the shim resolves it, not us)", dir);
		return EXIT_USAGE;
	}
	struct ctrd *c = connect_or_die();
	struct job *jobs = calloc((size_t)argc / 2, sizeof *jobs);
	if (!jobs) {
		log_err("out of memory");
		return EXIT_CALL;
	}
	for (int i = 0; i < argc / 2; i++) {
		struct job *job = &jobs[i];
		*job = (struct job){.c = c, .id = argv[2 * i]};
		char err[512];
		size_t len;
		char *spec = ctrd_bundle_spec(argv[2 * i + 1], &len, err, sizeof err);
		if (!spec) {
			log_err("%s: %s", job->id, err);
			exit_code = EXIT_CALL;
			continue;
		}
		stdio_uris(dir, job);
		const char *labels[] = {"stele.bundle=stele-ctrd", NULL};
		queued_or_die(
		    ctrd_container_create(c, job->id, spec, len, labels, container_created, job),
		    job->id);
		free(spec);
	}
	run_or_die(c);
	ctrd_close(c);
	free(jobs);
	return exit_code;
}

/* --- list ----------------------------------------------------------------- */

struct listing {
	size_t n;
	struct ctrd_task_info *tasks;
	char **ids;
	bool ok;
};

static void got_tasks(void *arg, const struct ctrd_result *res)
{
	struct listing *l = arg;
	if (failed("tasks", "list", res))
		return;
	l->tasks = calloc(res->n_tasks + 1, sizeof *l->tasks);
	l->ids = calloc(res->n_tasks + 1, sizeof *l->ids);
	if (!l->tasks || !l->ids) {
		log_err("out of memory");
		exit(EXIT_CALL);
	}
	for (size_t i = 0; i < res->n_tasks; i++) {
		l->tasks[i] = res->tasks[i];
		l->ids[i] = strdup(res->tasks[i].id);
		l->tasks[i].id = l->ids[i];
	}
	l->n = res->n_tasks;
	l->ok = true;
}

static void got_containers(void *arg, const struct ctrd_result *res)
{
	const struct listing *l = arg;
	if (failed("containers", "list", res) || !l->ok)
		return;
	for (size_t i = 0; i < res->n_containers; i++) {
		const char *id = res->containers[i].id;
		const struct ctrd_task_info *task = NULL;
		for (size_t t = 0; t < l->n && !task; t++)
			if (l->tasks[t].id && strcmp(l->tasks[t].id, id) == 0)
				task = &l->tasks[t];
		if (task)
			printf("%s %s %u %u\n", id, ctrd_task_status_name(task->status), task->pid,
			       task->exit_status);
		else
			printf("%s none 0 0\n", id);
	}
}

/* Tasks first: the containers' callback needs them, and one connection
 * answers in the order it likes. */
static int cmd_list(void)
{
	struct ctrd *c = connect_or_die();
	struct listing l = {0};
	queued_or_die(ctrd_task_list(c, got_tasks, &l), "list");
	run_or_die(c);
	queued_or_die(ctrd_container_list(c, got_containers, &l), "list");
	run_or_die(c);
	ctrd_close(c);
	for (size_t i = 0; i < l.n; i++)
		free(l.ids[i]);
	free(l.ids);
	free(l.tasks);
	return exit_code;
}

/* --- kill, rm ----------------------------------------------------------- */

static int parse_signal(const char *s)
{
	static const struct {
		const char *name;
		int sig;
	} names[] = {{"HUP", SIGHUP},	{"INT", SIGINT},   {"QUIT", SIGQUIT},
		     {"KILL", SIGKILL}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2},
		     {"TERM", SIGTERM}, {"CONT", SIGCONT}, {"STOP", SIGSTOP}};
	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i].name) == 0)
			return names[i].sig;
	char *end;
	long n = strtol(s, &end, 10);
	return *s && !*end && n > 0 && n < 65 ? (int)n : -1;
}

static void killed(void *arg, const struct ctrd_result *res)
{
	failed(arg, "kill", res);
}

static int cmd_kill(int argc, char **argv)
{
	bool all = false;
	int opt;
	while ((opt = getopt(argc, argv, "+a")) != -1) {
		if (opt != 'a')
			usage();
		all = true;
	}
	argc -= optind, argv += optind;
	if (argc != 2)
		usage();
	int sig = parse_signal(argv[1]);
	if (sig < 0) {
		log_err("%s: not a signal (give a number or a name like TERM)", argv[1]);
		return EXIT_USAGE;
	}
	struct ctrd *c = connect_or_die();
	queued_or_die(ctrd_task_kill(c, argv[0], sig, all, killed, argv[0]), argv[0]);
	run_or_die(c);
	ctrd_close(c);
	return exit_code;
}

struct removal {
	struct ctrd *c;
	const char *id;
};

static void container_deleted(void *arg, const struct ctrd_result *res)
{
	const struct removal *r = arg;
	failed(r->id, "delete container", res);
}

static void task_deleted(void *arg, const struct ctrd_result *res)
{
	struct removal *r = arg;
	if (res->grpc_status == CTRD_OK)
		printf("%s %u\n", r->id, res->exit_status);
	else if (res->grpc_status != CTRD_NOT_FOUND && failed(r->id, "delete task", res))
		return; /* a running task keeps its container */
	queued_or_die(ctrd_container_delete(r->c, r->id, container_deleted, r), r->id);
}

static int cmd_rm(int argc, char **argv)
{
	if (argc < 2)
		usage();
	struct ctrd *c = connect_or_die();
	struct removal *rs = calloc((size_t)argc, sizeof *rs);
	if (!rs) {
		log_err("out of memory");
		return EXIT_CALL;
	}
	for (int i = 1; i < argc; i++) {
		rs[i] = (struct removal){.c = c, .id = argv[i]};
		queued_or_die(ctrd_task_delete(c, argv[i], task_deleted, &rs[i]), argv[i]);
	}
	run_or_die(c);
	ctrd_close(c);
	free(rs);
	return exit_code;
}

/* --- wait-exit -------------------------------------------------------------- */

struct waiter {
	const char *id;
	bool exited;
	uint32_t status;
};

static void on_exit_event(void *arg, const char *id, uint32_t pid, uint32_t exit_status)
{
	struct waiter *w = arg;
	(void)pid;
	if (strcmp(id, w->id) == 0 && !w->exited) {
		w->exited = true;
		w->status = exit_status;
	}
}

static void subscription_ended(void *arg, const struct ctrd_result *res)
{
	(void)arg;
	failed("events", "subscribe", res);
	exit(EXIT_CONN);
}

/* The task may have exited before we subscribed: the list says so. */
static void check_stopped(void *arg, const struct ctrd_result *res)
{
	struct waiter *w = arg;
	if (failed(w->id, "list tasks", res))
		exit(EXIT_CALL);
	for (size_t i = 0; i < res->n_tasks; i++)
		if (strcmp(res->tasks[i].id, w->id) == 0) {
			if (res->tasks[i].status == CTRD_TASK_STOPPED && !w->exited) {
				w->exited = true;
				w->status = res->tasks[i].exit_status;
			}
			return;
		}
	log_err("%s: no such task (start it first)", w->id);
	exit(EXIT_CALL);
}

static int cmd_wait_exit(int argc, char **argv)
{
	if (argc != 2)
		usage();
	struct waiter w = {.id = argv[1]};
	struct ctrd *c = connect_or_die();
	queued_or_die(ctrd_subscribe_exits(c, on_exit_event, subscription_ended, &w), "subscribe");
	queued_or_die(ctrd_task_list(c, check_stopped, &w), "list");
	run_or_die(c);
	ctrd_set_timeout(c, 0);
	/* Nothing is pending now; wait on the subscription itself, with a bound. */
	for (int waited = 0; !w.exited && waited < opt_timeout_ms; waited += 200) {
		if (ctrd_poll_once(c, 200) < 0) {
			log_err("containerd: %s", ctrd_error(c));
			ctrd_close(c);
			return EXIT_CONN;
		}
	}
	ctrd_close(c);
	if (!w.exited) {
		log_err("%s: still running after %d s", w.id, opt_timeout_ms / 1000);
		return EXIT_CONN;
	}
	printf("%u\n", w.status);
	return 0;
}

int main(int argc, char **argv)
{
	log_init("stele-ctrd");
	log_set_kmsg(false);
	int opt;
	while ((opt = getopt(argc, argv, "+a:n:t:")) != -1) {
		switch (opt) {
		case 'a':
			opt_sock = optarg;
			break;
		case 'n':
			opt_ns = optarg;
			break;
		case 't':
			opt_timeout_ms = atoi(optarg) * 1000;
			if (opt_timeout_ms <= 0)
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind, argv += optind;
	if (argc < 1)
		usage();
	const char *cmd = argv[0];
	optind = 1;
	if (strcmp(cmd, "ready") == 0 && argc == 1)
		return cmd_ready();
	if (strcmp(cmd, "config") == 0)
		return cmd_config(argc, argv);
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc, argv);
	if (strcmp(cmd, "list") == 0 && argc == 1)
		return cmd_list();
	if (strcmp(cmd, "kill") == 0)
		return cmd_kill(argc, argv);
	if (strcmp(cmd, "rm") == 0)
		return cmd_rm(argc, argv);
	if (strcmp(cmd, "wait-exit") == 0)
		return cmd_wait_exit(argc, argv);
	usage();
}
