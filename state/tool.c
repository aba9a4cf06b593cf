#include "state/tool.h"

#include "lib/log.h"
#include "lib/spawn.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAX_LINES 60

/* Progress meters draw with \b and \r; a log line wants neither. */
static void log_line(const char *tool, char *line)
{
	char *out = line;
	for (char *in = line; *in; in++)
		if ((unsigned char)*in >= 0x20)
			*out++ = *in;
	while (out > line && out[-1] == ' ')
		out--;
	*out = '\0';
	if (line[0])
		log_info("state: %s: %s", tool, line);
}

static void log_output(int fd, const char *tool)
{
	static char buf[16384];
	if (lseek(fd, 0, SEEK_SET) < 0)
		return;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	if (n <= 0)
		return;
	buf[n] = '\0';
	int lines = 0;
	for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (++lines > MAX_LINES) {
			log_info("state: %s: (more output dropped)", tool);
			break;
		}
		log_line(tool, line);
	}
}

int state_tool_run(char *const argv[], int timeout_s)
{
	const char *tool = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	/* A file, not a pipe: the tool never blocks on a full pipe while we
	 * wait for it to exit. */
	int out = memfd_create(tool, MFD_CLOEXEC);
	if (out < 0) {
		log_err("state: %s: cannot capture its output: %s", tool, strerror(errno));
		return -1;
	}
	int status = run_bounded(argv, out, timeout_s * 1000, 5000);
	int saved = errno;
	log_output(out, tool);
	close(out);
	errno = saved;
	return status;
}
