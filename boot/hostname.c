#include "boot/hostname.h"

#include "lib/log.h"
#include "boot/readfile.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HOSTNAME_MAX	  64
#define ARPHRD_ETHER_TYPE "1"

bool hostname_is_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > HOSTNAME_MAX || name[0] == '-' || name[0] == '.')
		return false;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '.')
			return false;
	return true;
}

/* The first line of a small file, trimmed. NULL when absent or empty. */
static char *first_line(const char *path)
{
	char *text = read_file(path, 4096, NULL);
	if (!text) {
		if (errno != ENOENT)
			log_err("%s: %s", path, strerror(errno));
		return NULL;
	}
	char *start = text;
	while (isspace((unsigned char)*start))
		start++;
	start[strcspn(start, "\r\n")] = '\0';
	for (char *end = start + strlen(start); end > start && isspace((unsigned char)end[-1]);)
		*--end = '\0';
	if (!*start) {
		free(text);
		return NULL;
	}
	memmove(text, start, strlen(start) + 1);
	return text;
}

static bool read_attr(const char *net_dir, const char *iface, const char *attr, char *out,
		      size_t len)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s/%s", net_dir, iface, attr);
	char *text = first_line(path);
	if (!text)
		return false;
	snprintf(out, len, "%s", text);
	free(text);
	return true;
}

static int not_dot(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

void hostname_from_mac(const char *net_dir, char *name, size_t len)
{
	snprintf(name, len, "stele");
	struct dirent **list;
	int n = scandir(net_dir, &list, not_dot, alphasort);
	if (n < 0)
		return;
	bool found = false;
	for (int i = 0; i < n; i++) {
		char type[16], mac[32];
		if (!found && read_attr(net_dir, list[i]->d_name, "type", type, sizeof type) &&
		    strcmp(type, ARPHRD_ETHER_TYPE) == 0 &&
		    read_attr(net_dir, list[i]->d_name, "address", mac, sizeof mac) &&
		    strcmp(mac, "00:00:00:00:00:00") != 0) {
			size_t at = (size_t)snprintf(name, len, "stele-");
			for (const char *c = mac; *c && at + 1 < len; c++)
				if (*c != ':')
					name[at++] = *c;
			name[at < len ? at : len - 1] = '\0';
			found = true;
		}
		free(list[i]);
	}
	free(list);
}

/* The configured name from path, or NULL (a bad one is reported). */
static char *configured(const char *path)
{
	char *name = first_line(path);
	if (name && !hostname_is_valid(name)) {
		log_err("%s: bad hostname \"%s\": use 1-64 letters, digits, '-' and '.'", path,
			name);
		free(name);
		return NULL;
	}
	return name;
}

int hostname_phase(struct settings *settings)
{
	(void)settings;
	char generated[HOSTNAME_MAX + 1];
	char *name = configured(HOSTNAME_USERDATA);
	if (!name)
		name = configured(HOSTNAME_IMAGE);
	const char *chosen = name;
	if (!chosen) {
		hostname_from_mac("/sys/class/net", generated, sizeof generated);
		chosen = generated;
	}
	int rc = sethostname(chosen, strlen(chosen));
	if (rc < 0)
		log_err("sethostname %s: %s", chosen, strerror(errno));
	else
		log_info("hostname %s", chosen);
	free(name);
	return rc < 0 ? -1 : 0;
}
