#include "boot/rlimits.h"

#include "lib/log.h"
#include "boot/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* The kernel refuses NOFILE above fs.nr_open. */
static long nr_open(void)
{
	char *text = read_file("/proc/sys/fs/nr_open", 64, NULL);
	long n = text ? strtol(text, NULL, 10) : 0;
	free(text);
	return n > 0 ? n : NOFILE_DEFAULT;
}

static int set_nofile(long wanted)
{
	long cap = nr_open();
	if (wanted > cap) {
		log_warn("nofile=%ld: above fs.nr_open, using %ld", wanted, cap);
		wanted = cap;
	}
	struct rlimit rl = {.rlim_cur = (rlim_t)wanted, .rlim_max = (rlim_t)wanted};
	if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
		return 0;
	int why = errno;
	/* Without CAP_SYS_RESOURCE (a test's sandbox) the hard limit still
	 * caps us: take all of it. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			log_err("setrlimit NOFILE %lu: %s", (unsigned long)rl.rlim_max,
				strerror(errno));
	}
	log_err("setrlimit NOFILE %ld: %s: NOFILE stays at %lu", wanted, strerror(why),
		(unsigned long)rl.rlim_cur);
	return -1;
}

static int shield_from_oom(void)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "-1000", 5) != 5) {
		log_err("oom_score_adj -1000: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int rlimits_phase(struct settings *settings)
{
	long nofile = settings_get_long(settings, "nofile", 1024, 1L << 30, NOFILE_DEFAULT);
	return (set_nofile(nofile) < 0) + (shield_from_oom() < 0);
}
