/* stelectl: the control client. Talks to the supervisor's control socket
 * (protocol in README.md), except `analyze` and `plot`, which read the
 * timeline.
 *
 * Every exchange is bounded (--timeout, default 10 s): a supervisor that
 * accepts and never answers cannot hang the caller. poweroff, reboot and
 * halt fall back to signalling PID 1 directly (busybox init's signals, as
 * stele-pid1 takes them) when the supervisor cannot be reached, so a host
 * whose supervisor is wedged can still be shut down cleanly.
 *
 * Exit codes: 0 done; 1 the supervisor refused the request (its message is
 * printed); 2 usage; 3 `status NAME`: the service is not running or ready;
 * 4 the supervisor cannot be reached (and, for a power request, neither
 * could PID 1 be signalled). */
#include "ctl/analyze.h"

#include "ctl/plot.h"
#include "ctl/update.h"
#include "lib/log.h"
#include "lib/timeline.h"
#include "supervisor/control.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define WAIT_MS 30000 /* start/stop/restart: bound of the wait for the outcome */

enum { EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_NOT_RUNNING = 3, EXIT_UNREACHABLE = 4 };

static const char *run_dir = TIMELINE_DIR;
static int timeout_s = 10; /* each connect, send and read of an exchange */

static int usage(FILE *out)
{
	fputs("usage: stelectl [--run DIR] COMMAND\n"
	      "  status [NAME]          services and their states (exit 3: NAME not running)\n"
	      "  logs [-f] [-n N] NAME  a service's output (also: containerd, onboot)\n"
	      "  start NAME | stop NAME | restart NAME\n"
	      "  analyze                boot timeline: durations and the critical chain\n"
	      "  plot                   boot timeline as an SVG chart, on stdout\n"
	      "  poweroff | reboot | halt   (PID 1 is signalled if the supervisor is down)\n"
	      "  update FILE.efi [--no-reboot] [--tries N] | update --rollback [--no-reboot]\n"
	      "                         install an image in the inactive slot (update/README.md)\n"
	      "DIR is the supervisor's runtime dir (/run/stele, or $STELE_RUN).\n"
	      "--timeout SECS bounds each exchange with the supervisor (default 10).\n",
	      out);
	return EXIT_USAGE;
}

/* SO_SNDTIMEO bounds connect(2) on a Unix socket too (a full backlog). */
static void set_timeouts(int fd, int secs)
{
	struct timeval tv = {.tv_sec = secs};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static int connect_supervisor(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if ((size_t)snprintf(addr.sun_path, sizeof addr.sun_path, "%s/%s", run_dir,
			     CONTROL_SOCKET) >= sizeof addr.sun_path) {
		log_err("%s: path too long", run_dir);
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		set_timeouts(fd, timeout_s);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		int e = errno;
		log_err("%s: %s: %s", addr.sun_path, strerror(e),
			e == EACCES ? "run stelectl as root"
				    : "is stele-supervisor running? (--run DIR if elsewhere)");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The whole answer, NUL-terminated (logs -f streams instead). */
static char *read_all(int fd)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	while (buf) {
		if (len + 1 == cap) {
			char *grown = realloc(buf, cap * 2);
			if (!grown)
				break;
			buf = grown;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (buf)
		buf[len] = '\0';
	return buf;
}

/* Sends the request; returns the fd with the answer's "ok" line consumed
 * (the rest of that line in *ok_text), or -1 after printing the error. */
static int request(const char *req, char *ok_text, size_t len, int *code)
{
	int fd = connect_supervisor();
	if (fd < 0) {
		*code = EXIT_UNREACHABLE;
		return -1;
	}
	char line[CONTROL_MAX_REQUEST + 2];
	snprintf(line, sizeof line, "%s\n", req);
	/* A refusal may already be waiting to be read: read before failing. */
	int send_errno = send_all(fd, line, strlen(line)) < 0 ? errno : 0;
	char first[512];
	size_t n = 0;
	bool timed_out = false;
	while (n < sizeof first - 1) {
		ssize_t r = read(fd, first + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		timed_out = r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
		if (r <= 0 || first[n] == '\n')
			break;
		n++;
	}
	first[n] = '\0';
	if (strncmp(first, "ok", 2) == 0 && (first[2] == '\0' || first[2] == ' ')) {
		snprintf(ok_text, len, "%.200s", first[2] ? first + 3 : "");
		return fd;
	}
	close(fd);
	if (strncmp(first, "error ", 6) == 0) {
		log_err("%s", first + 6);
		*code = strstr(first, "permission denied") ? EXIT_UNREACHABLE : EXIT_REFUSED;
	} else if (timed_out) {
		log_err("the supervisor did not answer within %d s (--timeout "
			"SECS to wait longer)",
			timeout_s);
		*code = EXIT_UNREACHABLE;
	} else if (send_errno) {
		log_err("sending the request: %s", strerror(send_errno));
		*code = EXIT_UNREACHABLE;
	} else {
		log_err("no answer from the supervisor (it may be restarting: "
			"try again)");
		*code = EXIT_UNREACHABLE;
	}
	return -1;
}

static void human_duration(const char *secs, char *out, size_t len)
{
	char *end;
	long s = strtol(secs, &end, 10);
	if (*end || s < 0)
		snprintf(out, len, "-");
	else if (s < 60)
		snprintf(out, len, "%lds", s);
	else if (s < 3600)
		snprintf(out, len, "%ldm%02lds", s / 60, s % 60);
	else
		snprintf(out, len, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
}

int ctl_status_fields(char *line, char **f)
{
	int n = 0;
	for (char *p = line; n < N_FIELDS; n++) {
		f[n] = p;
		char *tab = strchr(p, '\t');
		if (!tab)
			return n + 1;
		*tab = '\0';
		p = tab + 1;
	}
	return n;
}

static int cmd_status(const char *name)
{
	char req[CONTROL_MAX_REQUEST], ok[256];
	snprintf(req, sizeof req, name ? "status %s" : "status", name);
	int code = 0, fd = request(req, ok, sizeof ok, &code);
	if (fd < 0)
		return code;
	char *body = read_all(fd);
	close(fd);
	if (!body)
		return EXIT_UNREACHABLE;
	char *rows[1024][N_FIELDS];
	size_t n = 0, w[N_FIELDS] = {0};
	static const char *const head[N_FIELDS] = {"",	    "NAME",	"STATE", "PID",
						   "SINCE", "RESTARTS", "DETAIL"};
	static char since[1024][24];
	for (char *save = NULL, *line = strtok_r(body, "\n", &save); line && n < 1024;
	     line = strtok_r(NULL, "\n", &save)) {
		if (ctl_status_fields(line, rows[n]) != N_FIELDS)
			continue;
		human_duration(rows[n][F_SINCE], since[n], sizeof since[n]);
		rows[n][F_SINCE] = since[n];
		if (!strcmp(rows[n][F_PID], "0"))
			rows[n][F_PID] = "-";
		n++;
	}
	for (int f = 0; f < N_FIELDS; f++) {
		w[f] = strlen(head[f]);
		for (size_t i = 0; i < n; i++)
			w[f] = strlen(rows[i][f]) > w[f] ? strlen(rows[i][f]) : w[f];
	}
	printf("%-*s  %-*s  %*s  %*s  %*s  %s\n", (int)w[F_NAME], head[F_NAME], (int)w[F_STATE],
	       head[F_STATE], (int)w[F_PID], head[F_PID], (int)w[F_SINCE], head[F_SINCE],
	       (int)w[F_RESTARTS], head[F_RESTARTS], head[F_DETAIL]);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		char **r = rows[i];
		printf("%-*s  %-*s  %*s  %*s  %*s  %s\n", (int)w[F_NAME], r[F_NAME],
		       (int)w[F_STATE], r[F_STATE], (int)w[F_PID], r[F_PID], (int)w[F_SINCE],
		       r[F_SINCE], (int)w[F_RESTARTS], r[F_RESTARTS], r[F_DETAIL]);
		if (name && strcmp(r[F_STATE], "running") && strcmp(r[F_STATE], "ready"))
			rc = EXIT_NOT_RUNNING;
	}
	free(body);
	if (!name)
		update_status();
	return rc;
}

char *ctl_status_body(void)
{
	char ok[256];
	int code = 0, fd = request("status", ok, sizeof ok, &code);
	if (fd < 0)
		return NULL;
	char *body = read_all(fd);
	close(fd);
	return body;
}

static int cmd_logs(int argc, char **argv)
{
	bool follow = false;
	long lines = 0;
	int opt;
	optind = 1;
	while ((opt = getopt(argc, argv, "+fn:")) != -1) {
		char *end;
		switch (opt) {
		case 'f':
			follow = true;
			break;
		case 'n':
			lines = strtol(optarg, &end, 10);
			if (*end || lines < 0) {
				log_err("-n %s: give a number of lines", optarg);
				return EXIT_USAGE;
			}
			break;
		default:
			return usage(stderr);
		}
	}
	if (optind + 1 != argc)
		return usage(stderr);
	char req[CONTROL_MAX_REQUEST], ok[256];
	snprintf(req, sizeof req, "logs %.100s %ld %d", argv[optind], lines, follow);
	int code = 0, fd = request(req, ok, sizeof ok, &code);
	if (fd < 0)
		return code;
	if (follow)
		set_timeouts(fd, 0); /* a followed log may be quiet for hours */
	char buf[16384];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			break;
		fflush(stdout);
	}
	close(fd);
	return 0;
}

/* busybox init's convention, which stele-pid1 follows (pid1/README.md). */
static int power_signal(const char *verb)
{
	return !strcmp(verb, "poweroff") ? SIGUSR2 : !strcmp(verb, "halt") ? SIGUSR1 : SIGTERM;
}

/* The supervisor is unreachable: ask PID 1 itself, which stops the
 * supervisor (if any is left) and everything else in order. */
static int power_via_pid1(const char *verb)
{
	int sig = power_signal(verb);
	log_notice("asking PID 1 directly for %s (signal %s)", verb, sigabbrev_np(sig));
	if (kill(1, sig) < 0) {
		log_err("signalling PID 1: %s: run stelectl as root", strerror(errno));
		return EXIT_UNREACHABLE;
	}
	return 0;
}

static int cmd_power(const char *verb)
{
	char ok[256];
	int code = 0, fd = request(verb, ok, sizeof ok, &code);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return code == EXIT_UNREACHABLE ? power_via_pid1(verb) : code;
}

static int cmd_simple(const char *verb, const char *name)
{
	char req[CONTROL_MAX_REQUEST], ok[256];
	snprintf(req, sizeof req, name ? "%s %.100s" : "%s", verb, name);
	int code = 0, fd = request(req, ok, sizeof ok, &code);
	if (fd < 0)
		return code;
	close(fd);
	return 0;
}

/* One service's status fields, read again; false when unreachable. */
static bool service_fields(const char *name, char *state, size_t slen, char *pid, size_t plen,
			   char *detail, size_t dlen)
{
	char req[CONTROL_MAX_REQUEST], ok[256];
	snprintf(req, sizeof req, "status %.100s", name);
	int code = 0, fd = request(req, ok, sizeof ok, &code);
	if (fd < 0)
		return false;
	char *body = read_all(fd);
	close(fd);
	char *f[N_FIELDS];
	if (body)
		body[strcspn(body, "\n")] = '\0';
	bool got = body && ctl_status_fields(body, f) == N_FIELDS;
	if (got) {
		snprintf(state, slen, "%s", f[F_STATE]);
		snprintf(pid, plen, "%s", f[F_PID]);
		snprintf(detail, dlen, "%s", f[F_DETAIL]);
	}
	free(body);
	return got;
}

/* start/stop/restart are asynchronous in the supervisor; like systemctl,
 * wait (bounded) for the outcome and say what it is. */
static int cmd_service(const char *verb, const char *name)
{
	char state[32], pid[32], before[32] = "", detail[512];
	if (!strcmp(verb, "restart") &&
	    service_fields(name, state, sizeof state, before, sizeof before, detail,
			   sizeof detail) &&
	    strcmp(state, "ready") && strcmp(state, "running"))
		before[0] = '\0';
	int rc = cmd_simple(verb, name);
	if (rc)
		return rc;
	bool stop = !strcmp(verb, "stop");
	for (int i = 0; i < WAIT_MS / 100; i++) {
		if (!service_fields(name, state, sizeof state, pid, sizeof pid, detail,
				    sizeof detail))
			return EXIT_UNREACHABLE;
		bool up = !strcmp(state, "ready") && strcmp(pid, before);
		bool down = !strcmp(state, "stopped") || !strcmp(state, "exited");
		if (stop ? down : up) {
			printf("%s: %s%s%s\n", name, state, stop ? "" : ", pid ", stop ? "" : pid);
			return 0;
		}
		if (!stop && (!strcmp(state, "failed") || !strcmp(state, "exited")))
			break;
		usleep(100 * 1000);
	}
	log_err("%s is %s (%s): see stelectl logs %s", name, state, detail, name);
	return EXIT_REFUSED;
}

static int load_timeline(struct timeline_spans *t)
{
	char path[512], err[512];
	snprintf(path, sizeof path, "%s/boot-timeline.json", run_dir);
	if (analyze_load(path, t, err, sizeof err) < 0) {
		log_err("%s", err);
		return -1;
	}
	return 0;
}

int ctl_power(const char *verb)
{
	return cmd_power(verb);
}

static int cmd_analyze(void)
{
	struct timeline_spans t;
	if (load_timeline(&t) < 0)
		return EXIT_REFUSED;
	analyze_print(&t, stdout);
	analyze_free(&t);
	return 0;
}

static int cmd_plot(void)
{
	struct timeline_spans t;
	if (load_timeline(&t) < 0)
		return EXIT_REFUSED;
	int rc = plot_svg(&t, stdout);
	analyze_free(&t);
	if (rc < 0) {
		log_err("plot: writing the SVG: %s", strerror(errno));
		return EXIT_REFUSED;
	}
	return 0;
}

int main(int argc, char **argv)
{
	log_init_host("stelectl");
	if (getenv("STELE_RUN"))
		run_dir = getenv("STELE_RUN");
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--run") && i + 1 < argc)
			run_dir = argv[++i];
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			char *end;
			long t = strtol(argv[++i], &end, 10);
			if (*end || t < 1 || t > 86400) {
				log_err("--timeout %s: give whole seconds, 1 to "
					"86400",
					argv[i]);
				return EXIT_USAGE;
			}
			timeout_s = (int)t;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return usage(stdout), 0;
		else
			return usage(stderr);
	}
	if (i == argc)
		return usage(stderr);
	const char *cmd = argv[i];
	int rest = argc - i;
	if (!strcmp(cmd, "status") && rest <= 2)
		return cmd_status(rest == 2 ? argv[i + 1] : NULL);
	if (!strcmp(cmd, "logs"))
		return cmd_logs(rest, argv + i);
	if ((!strcmp(cmd, "start") || !strcmp(cmd, "stop") || !strcmp(cmd, "restart")) && rest == 2)
		return cmd_service(cmd, argv[i + 1]);
	if ((!strcmp(cmd, "poweroff") || !strcmp(cmd, "reboot") || !strcmp(cmd, "halt")) &&
	    rest == 1)
		return cmd_power(cmd);
	if (!strcmp(cmd, "analyze") && rest == 1)
		return cmd_analyze();
	if (!strcmp(cmd, "plot") && rest == 1)
		return cmd_plot();
	if (!strcmp(cmd, "update"))
		return cmd_update(rest, argv + i);
	return usage(stderr);
}
