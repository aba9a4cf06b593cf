#include "lib/timeline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char timeline_dir[256] = TIMELINE_DIR;

void timeline_set_dir(const char *dir)
{
	snprintf(timeline_dir, sizeof timeline_dir, "%s", dir);
}

/* Copy s into out as a JSON string body, dropping what needs escaping:
 * names come from image config and never need it. */
static void json_plain(char *out, size_t len, const char *s)
{
	size_t i = 0;
	for (; s && *s && i + 1 < len; s++)
		if ((unsigned char)*s >= 0x20 && *s != '"' && *s != '\\')
			out[i++] = *s;
	out[i] = '\0';
}

int timeline_mark(const char *src, const char *kind, const char *name, const char *event)
{
	return timeline_mark_at(boottime_ms(), src, kind, name, event);
}

int timeline_mark_at(double t_ms, const char *src, const char *kind, const char *name,
		     const char *event)
{
	char s[64], k[32], n[128], e[32], path[300], line[512];
	json_plain(s, sizeof s, src);
	json_plain(k, sizeof k, kind);
	json_plain(n, sizeof n, name);
	json_plain(e, sizeof e, event);
	int len = snprintf(
	    line, sizeof line,
	    "{\"t_ms\":%.3f,\"src\":\"%s\",\"kind\":\"%s\",\"name\":\"%s\",\"event\":\"%s\"}\n",
	    t_ms, s, k, n, e);
	snprintf(path, sizeof path, "%s/timeline.jsonl", timeline_dir);
	mkdir(timeline_dir, 0755);
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -1;
	ssize_t n_written = write(fd, line, (size_t)len);
	int saved = errno;
	close(fd);
	errno = saved;
	return n_written == len ? 0 : -1;
}

int timeline_export(void)
{
	char src[300], tmp[300], dst[300];
	snprintf(src, sizeof src, "%s/timeline.jsonl", timeline_dir);
	snprintf(tmp, sizeof tmp, "%s/.boot-timeline.json.tmp", timeline_dir);
	snprintf(dst, sizeof dst, "%s/boot-timeline.json", timeline_dir);
	FILE *in = fopen(src, "re");
	if (!in)
		return -1;
	FILE *out = fopen(tmp, "we");
	if (!out) {
		fclose(in);
		return -1;
	}
	char line[600];
	int first = 1;
	fputs("[\n", out);
	while (fgets(line, sizeof line, in)) {
		size_t len = strcspn(line, "\n");
		if (len == 0 || line[0] != '{')
			continue;
		fprintf(out, "%s  %.*s", first ? "" : ",\n", (int)len, line);
		first = 0;
	}
	fputs("\n]\n", out);
	fclose(in);
	if (fflush(out) != 0 || fsync(fileno(out)) != 0) {
		fclose(out);
		return -1;
	}
	if (fclose(out) != 0)
		return -1;
	return rename(tmp, dst);
}
