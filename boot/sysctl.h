/* sysctl: kernel settings from the image and from userdata.
 *
 * Contract: sysctl_phase() applies every .conf file of /etc/sysctl.d in name
 * order, then /run/config/sysctl.conf (userdata wins). The syntax is
 * sysctl.conf(5)'s: `key = value` lines, `#` and `;` comments, blank
 * lines; a key starting with `-` may fail silently. Keys use dots
 * (net.ipv4.ip_forward) or slashes (net/ipv4/conf/eth0.1/rp_filter: when
 * the first separator is a slash, dots are part of names). A bad line, an
 * unknown key or a value the kernel refuses is reported in one line with
 * file:line, and the rest goes on. Returns the number of problems. */
#ifndef STELE_INIT_SYSCTL_H
#define STELE_INIT_SYSCTL_H

#include "boot/settings.h"

#include <stdbool.h>
#include <stddef.h>

#define SYSCTL_DIR	"/etc/sysctl.d"
#define SYSCTL_USERDATA "/run/config/sysctl.conf"

struct sysctl_entry {
	const char *key; /* pointers into the parsed line */
	const char *value;
	bool may_fail; /* the key had a leading '-' */
};

/* Parse one line in place. 1: an entry; 0: blank or comment; -1: a bad
 * line, *why says what is wrong. */
int sysctl_parse_line(char *line, struct sysctl_entry *entry, const char **why);
/* The /proc/sys path of key under root ("/proc/sys"). 0, or -1 when the
 * key cannot name a sysctl (empty parts, "..", too long). */
int sysctl_key_path(const char *key, const char *root, char *path, size_t len);
/* Apply a file's settings under root. Returns the number of problems. */
int sysctl_apply_file(const char *file, const char *root);

int sysctl_phase(struct settings *settings);

#endif
