/* stele-execlog: the timing wrapper of the bench's instrumented image.
 *
 * The bench installs it in place of runc and containerd-shim-runc-v2 (the
 * real programs move to /usr/lib/stele-bench/, same names). It runs the real
 * program, named by the wrapper's own file name, with the same arguments,
 * environment and file descriptors, waits for it (forwarding SIGTERM and
 * SIGINT), and appends one line to EXECLOG_PATH with a single O_APPEND
 * write:
 *   {"prog":"runc","start_ms":T0,"end_ms":T1,"status":S,"args":["create",...]}
 * T0 and T1 are CLOCK_BOOTTIME ms, the boot timeline's clock. It exits with
 * the program's status (128+N after signal N). A line that cannot be written
 * never fails the call. Only bench images carry it: it costs one more fork
 * and exec per call. Exit 127 when the real program cannot be run. */
#include "lib/clock.h"
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXECLOG_PATH "/run/stele/exec.jsonl"
#define REAL_DIR     "/usr/lib/stele-bench"

static volatile sig_atomic_t child;

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

/* The wrapper's own file name: argv[0] may be a bare "runc". */
static const char *own_name(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	const char *slash = strrchr(buf, '/');
	return slash ? slash + 1 : buf;
}

/* Appends s as a JSON string; returns the new length, or len unchanged
 * when it does not fit (the caller then stops adding arguments). */
static size_t put_json_string(char *out, size_t len, size_t cap, const char *s)
{
	size_t at = len;
	if (at + 2 >= cap)
		return len;
	out[at++] = '"';
	for (; *s; s++) {
		char esc[8];
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			snprintf(esc, sizeof esc, "\\%c", c);
		else if (c < 0x20)
			snprintf(esc, sizeof esc, "\\u%04x", c);
		else
			snprintf(esc, sizeof esc, "%c", c);
		size_t n = strlen(esc);
		if (at + n + 2 >= cap)
			return len;
		memcpy(out + at, esc, n);
		at += n;
	}
	out[at++] = '"';
	return at;
}

static void log_call(const char *prog, char **args, double start, double end, int status)
{
	char line[8192];
	size_t cap = sizeof line - 8; /* room for "]}\n" */
	int n = snprintf(line, cap,
			 "{\"prog\":\"%s\",\"start_ms\":%.3f,\"end_ms\":%.3f,"
			 "\"status\":%d,\"args\":[",
			 prog, start, end, status);
	if (n < 0 || (size_t)n >= cap)
		return;
	size_t len = (size_t)n;
	for (size_t i = 0; args[i]; i++) {
		size_t before = len;
		if (i > 0)
			line[len++] = ',';
		size_t grown = put_json_string(line, len, cap, args[i]);
		if (grown == len) {
			len = before;
			break;
		}
		len = grown;
	}
	memcpy(line + len, "]}\n", 3);
	len += 3;
	int fd = open(EXECLOG_PATH, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, line, len) < 0) {
		/* best effort: the call's result matters, not its record */
	}
	close(fd);
}

int main(int argc, char **argv)
{
	log_init_host("stele-execlog");
	(void)argc;
	char self[PATH_MAX], real[PATH_MAX + 64];
	const char *prog = own_name(self, sizeof self);
	if (!prog) {
		log_err("cannot read /proc/self/exe: %s", strerror(errno));
		return 127;
	}
	snprintf(real, sizeof real, "%s/%s", REAL_DIR, prog);
	struct sigaction sa = {.sa_handler = forward};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	double start = boottime_ms();
	pid_t pid = fork();
	if (pid < 0) {
		log_err("fork for %s: %s", real, strerror(errno));
		return 127;
	}
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		execv(real, argv);
		log_err("cannot run %s: %s (is this a bench image?)", real, strerror(errno));
		_exit(127);
	}
	child = pid;
	int wstatus = 0;
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	int status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	log_call(prog, argv + 1, start, boottime_ms(), status);
	return status;
}
