/* stele-reapbench: how fast stele's PID 1 reaps orphans.
 *
 * It runs as the "supervisor" of stele's real init (init.conf
 * supervisor=/sbin/stele-reapbench) inside a PID namespace, so every
 * process it orphans is PID 1's to reap. For each count N on its command
 * line (or in /etc/reapbench.conf, one line "N N ..."), it:
 *   1. forks a spawner that forks N children blocked on a pipe, and exits:
 *      the N become orphans, re-parented to PID 1;
 *   2. closes the pipe: all N exit at once and become zombies;
 *   3. waits until every one of them is gone (kill(pid, 0) fails with
 *      ESRCH only once PID 1 has reaped it; nothing else forks meanwhile, so
 *      pids are not reused) and prints the time, the rate, and PID 1's
 *      private memory before and after (/proc/1/smaps_rollup).
 * Counts above what pid_max allows at once run in waves (WAVE per wave).
 * Then it sends PID 1 SIGUSR2 (poweroff) and exits 0. Lines start with
 * "reap: "; errors are one line on stderr and exit 1. */
#include "lib/clock.h"
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { WAVE = 20000, MAX_COUNTS = 8 };

/* Private_Clean + Private_Dirty of PID 1, in kB; -1 when unreadable. */
static long pid1_private_kb(void)
{
	FILE *f = fopen("/proc/1/smaps_rollup", "re");
	if (!f)
		return -1;
	char line[256];
	long total = 0, kb;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Private_Clean: %ld kB", &kb) == 1 ||
		    sscanf(line, "Private_Dirty: %ld kB", &kb) == 1)
			total += kb;
	fclose(f);
	return total;
}

/* The spawner: n children that wait for the pipe to close, pids in shared
 * memory. Returns how many were forked. */
static long spawn_orphans(pid_t *pids, long n, int release_fd, int hold_fd)
{
	long made = 0;
	for (; made < n; made++) {
		pid_t pid = fork();
		if (pid < 0) {
			log_err("fork #%ld: %s (raise pid_max or lower N)", made, strerror(errno));
			break;
		}
		if (pid == 0) {
			char c;
			close(hold_fd);
			while (read(release_fd, &c, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
		pids[made] = pid;
	}
	return made;
}

/* One wave: returns how many orphans were reaped, and their time in *ms. */
static long wave(pid_t *pids, long n, double *ms)
{
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		log_err("pipe: %s", strerror(errno));
		return -1;
	}
	long *made =
	    mmap(NULL, sizeof *made, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (made == MAP_FAILED) {
		log_err("mmap: %s", strerror(errno));
		return -1;
	}
	pid_t spawner = fork();
	if (spawner < 0) {
		log_err("fork: %s", strerror(errno));
		return -1;
	}
	if (spawner == 0)
		_exit(((*made = spawn_orphans(pids, n, pipefd[0], pipefd[1])) == n) ? 0 : 1);
	int status;
	while (waitpid(spawner, &status, 0) < 0 && errno == EINTR)
		;
	close(pipefd[0]);
	long count = *made;
	munmap(made, sizeof *made);
	double start = boottime_ms();
	close(pipefd[1]);
	for (long i = 0; i < count; i++)
		while (kill(pids[i], 0) == 0)
			usleep(50);
	*ms = boottime_ms() - start;
	return count;
}

static int run(long n)
{
	long wave_size = n < WAVE ? n : WAVE;
	pid_t *pids = mmap(NULL, (size_t)wave_size * sizeof *pids, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pids == MAP_FAILED) {
		log_err("mmap %ld pids: %s", wave_size, strerror(errno));
		return -1;
	}
	long before = pid1_private_kb(), reaped = 0, waves = 0;
	double total_ms = 0;
	while (reaped < n) {
		long size = n - reaped < wave_size ? n - reaped : wave_size;
		double ms;
		long got = wave(pids, size, &ms);
		if (got <= 0)
			break;
		reaped += got;
		total_ms += ms;
		waves++;
	}
	munmap(pids, (size_t)wave_size * sizeof *pids);
	printf("reap: orphans=%ld waves=%ld reaped=%ld ms=%.1f per_s=%.0f "
	       "pid1_private_kb_before=%ld pid1_private_kb_after=%ld\n",
	       n, waves, reaped, total_ms, total_ms > 0 ? (double)reaped * 1e3 / total_ms : 0,
	       before, pid1_private_kb());
	fflush(stdout);
	return reaped == n ? 0 : -1;
}

static int read_counts(int argc, char **argv, long *counts)
{
	char line[256] = "";
	if (argc < 2) {
		FILE *f = fopen("/etc/reapbench.conf", "re");
		if (!f || !fgets(line, sizeof line, f)) {
			log_err("no counts: give them as arguments or in "
				"/etc/reapbench.conf");
			if (f)
				fclose(f);
			return -1;
		}
		fclose(f);
	}
	int n = 0;
	char *save = NULL;
	for (int i = 1; n < MAX_COUNTS; i++) {
		const char *word = argc >= 2 ? (i < argc ? argv[i] : NULL)
					     : strtok_r(i == 1 ? line : NULL, " \t\n", &save);
		if (!word)
			break;
		char *end;
		long v = strtol(word, &end, 10);
		if (*end || v <= 0) {
			log_err("%s: counts are positive numbers", word);
			return -1;
		}
		counts[n++] = v;
	}
	return n;
}

int main(int argc, char **argv)
{
	log_init_host("reap");
	long counts[MAX_COUNTS];
	int n = read_counts(argc, argv, counts);
	int rc = n > 0 ? 0 : 1;
	if (getpid() == 1)
		log_warn("running as PID 1: orphans come back to me, not to init");
	for (int i = 0; i < n && rc == 0; i++)
		if (run(counts[i]) < 0)
			rc = 1;
	/* stele's init powers off on SIGUSR2: the namespace ends. */
	if (getppid() == 1 && kill(1, SIGUSR2) < 0)
		log_err("kill(1, SIGUSR2): %s", strerror(errno));
	return rc;
}
