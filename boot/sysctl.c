#include "boot/sysctl.h"

#include "lib/log.h"
#include "boot/readfile.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SYSCTL_FILE_MAX (256 * 1024)

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

int sysctl_parse_line(char *line, struct sysctl_entry *entry, const char **why)
{
	char *text = trim(line);
	if (!*text || *text == '#' || *text == ';')
		return 0;
	char *eq = strchr(text, '=');
	if (!eq) {
		*why = "not key = value";
		return -1;
	}
	*eq = '\0';
	char *key = trim(text);
	entry->may_fail = *key == '-';
	if (entry->may_fail)
		key = trim(key + 1);
	if (!*key) {
		*why = "no key before '='";
		return -1;
	}
	for (const char *c = key; *c; c++)
		if (isspace((unsigned char)*c)) {
			*why = "space inside the key";
			return -1;
		}
	entry->key = key;
	entry->value = trim(eq + 1);
	return 1;
}

/* Every part of a relative path is a real name: not empty, ".", "..". */
static bool parts_are_names(const char *rel)
{
	for (const char *part = rel;;) {
		size_t n = strcspn(part, "/");
		if (n == 0 || (n == 1 && part[0] == '.') || (n == 2 && strncmp(part, "..", 2) == 0))
			return false;
		if (!part[n])
			return true;
		part += n + 1;
	}
}

int sysctl_key_path(const char *key, const char *root, char *path, size_t len)
{
	size_t base = (size_t)snprintf(path, len, "%s/", root);
	if (base + strlen(key) >= len)
		return -1;
	/* The first separator decides which one the key uses; the other
	 * character is part of names (eth0.1). */
	const char *first = strpbrk(key, "./");
	bool dots = !first || *first == '.';
	char *out = path + base;
	for (const char *c = key; *c; c++)
		*out++ = dots && *c == '.' ? '/' : dots && *c == '/' ? '.' : *c;
	*out = '\0';
	return parts_are_names(path + base) ? 0 : -1;
}

static int write_value(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	size_t len = strlen(value);
	ssize_t n = write(fd, value, len);
	int saved = errno;
	if (close(fd) < 0 && n >= 0)
		return -1;
	errno = saved;
	if (n >= 0 && (size_t)n != len) {
		errno = EIO;
		return -1;
	}
	return n < 0 ? -1 : 0;
}

static int apply_entry(const struct sysctl_entry *e, const char *root, const char *file, int lineno)
{
	char path[PATH_MAX];
	if (sysctl_key_path(e->key, root, path, sizeof path) < 0) {
		log_err("%s:%d: sysctl %s: not a valid key: write it like net.ipv4.ip_forward",
			file, lineno, e->key);
		return 1;
	}
	if (write_value(path, e->value) == 0) {
		log_debug("sysctl %s = %s", e->key, e->value);
		return 0;
	}
	if (e->may_fail) {
		log_debug("%s:%d: sysctl %s: %s (ignored: '-' key)", file, lineno, e->key,
			  strerror(errno));
		return 0;
	}
	if (errno == ENOENT)
		log_err("%s:%d: sysctl %s: unknown key: check its name under /proc/sys, or "
			"prefix it with '-'",
			file, lineno, e->key);
	else
		log_err("%s:%d: sysctl %s = %s: the kernel refuses this value: %s", file, lineno,
			e->key, e->value, strerror(errno));
	return 1;
}

int sysctl_apply_file(const char *file, const char *root)
{
	char *text = read_file(file, SYSCTL_FILE_MAX, NULL);
	if (!text) {
		log_err("%s: %s", file, strerror(errno));
		return 1;
	}
	int problems = 0, lineno = 0;
	char *next;
	for (char *line = text; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		struct sysctl_entry e;
		const char *why = NULL;
		int r = sysctl_parse_line(line, &e, &why);
		if (r < 0) {
			log_err("%s:%d: %s: write key = value", file, lineno, why);
			problems++;
		} else if (r > 0) {
			problems += apply_entry(&e, root, file, lineno);
		}
	}
	free(text);
	return problems;
}

static int conf_file(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return e->d_name[0] != '.' && n > 5 && strcmp(e->d_name + n - 5, ".conf") == 0;
}

static int apply_dir(const char *dir, const char *root)
{
	struct dirent **list;
	int n = scandir(dir, &list, conf_file, alphasort);
	if (n < 0) {
		if (errno == ENOENT)
			return 0;
		log_err("%s: %s", dir, strerror(errno));
		return 1;
	}
	int problems = 0;
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
		problems += sysctl_apply_file(path, root);
		free(list[i]);
	}
	free(list);
	return problems;
}

int sysctl_phase(struct settings *settings)
{
	(void)settings;
	int problems = apply_dir(SYSCTL_DIR, "/proc/sys");
	if (access(SYSCTL_USERDATA, F_OK) == 0)
		problems += sysctl_apply_file(SYSCTL_USERDATA, "/proc/sys");
	return problems;
}
