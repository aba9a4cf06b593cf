#include "builder/tool.h"

#include "builder/fsutil.h"
#include "lib/log.h"
#include "lib/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct tool *tool_missing(const struct tool *list)
{
	for (const struct tool *t = list; t->path; t++)
		if (!path_exists(t->path))
			return t;
	return NULL;
}

/* The last non-empty line of the tool's output: usually why it failed. */
static void last_line(const char *log, char *out, size_t len)
{
	out[0] = '\0';
	size_t n = 0;
	char *text = read_text(log, &n);
	if (!text)
		return;
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
		text[--n] = '\0';
	char *start = strrchr(text, '\n');
	snprintf(out, len, "%s", start ? start + 1 : text);
	free(text);
}

int tool_run(const char *what, char *const argv[], const char *log, int timeout_s)
{
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_err("%s: cannot create %s", what, log);
		return -1;
	}
	int status = run_bounded(argv, fd, timeout_s * 1000, 2000);
	int err = errno;
	close(fd);
	if (status == 0)
		return 0;
	char why[64], line[512];
	if (status < 0 && err == ETIMEDOUT)
		snprintf(why, sizeof why, "did not finish in %d s", timeout_s);
	else if (status < 0)
		snprintf(why, sizeof why, "%s", strerror(err));
	else
		describe_status(status, why, sizeof why);
	last_line(log, line, sizeof line);
	log_err("%s: %s failed (%s)%s%s", what, argv[0], why, line[0] ? ": " : "", line);
	return -1;
}

void tool_environment(long long epoch)
{
	char date[32];
	snprintf(date, sizeof date, "%lld", epoch);
	setenv("SOURCE_DATE_EPOCH", date, 1);
	setenv("TZ", "UTC", 1);
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	setenv("LC_ALL", "C", 1);
}
