#include "update/slots.h"

#include "update/esp.h"
#include "update/teststop.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const char *slot_state_name(enum slot_state s)
{
	static const char *const names[] = {"empty", "good", "trying", "bad"};
	return names[s];
}

static int parse_count(const char **p, int *out)
{
	if (!isdigit((unsigned char)**p))
		return -1;
	char *end;
	long v = strtol(*p, &end, 10);
	if (v < 0 || v > 1000)
		return -1;
	*out = (int)v;
	*p = end;
	return 0;
}

int slot_parse_name(const char *name, struct slot *out)
{
	size_t n = strlen(name), plen = strlen(SLOT_PREFIX);
	if (n < plen + 5 || strncasecmp(name, SLOT_PREFIX, plen) != 0 ||
	    strcasecmp(name + n - 4, ".efi") != 0)
		return -1;
	char letter = (char)tolower((unsigned char)name[plen]);
	if (letter != 'a' && letter != 'b')
		return -1;
	const char *p = name + plen + 1;
	struct slot s = {.letter = letter, .state = SLOT_GOOD, .tries_left = -1, .tries_done = -1};
	if (*p == '+') {
		p++;
		s.tries_done = 0;
		if (parse_count(&p, &s.tries_left) < 0)
			return -1;
		if (*p == '-' && (p++, parse_count(&p, &s.tries_done) < 0))
			return -1;
		s.state = s.tries_left > 0 ? SLOT_TRYING : SLOT_BAD;
	}
	if (p != name + n - 4)
		return -1;
	snprintf(s.file, sizeof s.file, "%s", name);
	*out = s;
	return 0;
}

int slots_scan(const char *esp, struct slot s[2])
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/" SLOTS_DIR, esp);
	for (int i = 0; i < 2; i++)
		s[i] = (struct slot){.letter = (char)('a' + i), .tries_left = -1, .tries_done = -1};
	DIR *d = opendir(path);
	if (!d)
		return -1;
	for (struct dirent *e; (e = readdir(d));) {
		struct slot one;
		if (slot_parse_name(e->d_name, &one) == 0)
			s[one.letter - 'a'] = one;
	}
	closedir(d);
	return 0;
}

char slot_running(void)
{
	char entry[256];
	struct slot s;
	if (efivar_read("LoaderEntrySelected", entry, sizeof entry) < 0 ||
	    slot_parse_name(entry, &s) < 0)
		return 0;
	return s.letter;
}

int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int rename_durable(const char *from, const char *to, const char *dir)
{
	int fd = open(from, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = rename(from, to);
	if (rc == 0)
		update_test_stop("rename");
	if (rc == 0)
		rc = fsync(fd);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc < 0 ? -1 : fsync_dir(dir);
}

int loader_default(const char *esp, const char *pattern)
{
	char conf[PATH_MAX], tmp[PATH_MAX], dir[PATH_MAX], text[512];
	snprintf(conf, sizeof conf, "%s/" LOADER_CONF, esp);
	snprintf(tmp, sizeof tmp, "%s/loader/loader.tmp", esp);
	snprintf(dir, sizeof dir, "%s/loader", esp);
	/* No automatic entries: the fallback is the first slot that is not
	 * bad, systemd-boot sorting bad entries last. */
	int n = snprintf(text, sizeof text,
			 "timeout 0\neditor no\nauto-entries no\nauto-firmware no\ndefault %s\n",
			 pattern);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write(fd, text, (size_t)n) != n || fsync(fd) < 0) {
		int saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved ? saved : EIO;
		return -1;
	}
	close(fd);
	update_test_stop("default");
	return rename_durable(tmp, conf, dir);
}
