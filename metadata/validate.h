/* validate: the checks every untrusted name and value passes before it
 * becomes a file under /run/config or a setting init applies.
 *
 * Contract: each check returns NULL when the input is acceptable, or a short
 * static reason ("contains '/'") for the one-line error. Nothing allocates. */
#ifndef STELE_METADATA_VALIDATE_H
#define STELE_METADATA_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* One path component: not empty, not "." or "..", no '/', no control
 * characters, at most NAME_MAX_LEN bytes. */
const char *check_name(const char *name);
/* A strict octal permission string: "644", "0644", "0600"...: 3 or 4 octal
 * digits, no setuid/setgid/sticky bits. */
const char *parse_perm(const char *text, mode_t *mode);
/* RFC 1123 host name: labels of [A-Za-z0-9-], no leading/trailing '-',
 * dots between labels, at most 64 bytes (the kernel's limit). */
const char *check_hostname(const char *name);
/* sysctl key: [A-Za-z0-9_.-/] with no "..", not empty, at most 255 bytes. */
const char *check_sysctl_key(const char *key);
/* One line of text: no NUL, CR or LF, at most max bytes. */
const char *check_line(const char *text, size_t len, size_t max);
/* A crypt(3) hash as in /etc/shadow: "$id$...", [A-Za-z0-9./$=,-] only. */
const char *check_password_hash(const char *hash);
/* One authorized_keys line: [options] TYPE BASE64 [comment], TYPE one
 * OpenSSH knows. */
const char *check_authorized_key(const char *line, size_t len);
/* An IPv4/IPv6 address, with an optional /prefix when prefix_ok. */
const char *check_address(const char *text, bool prefix_ok);
/* Copy s into out (size bytes) with control characters replaced by '?',
 * cut to fit: untrusted text in a log line must stay on one line. */
const char *printable(const char *s, char *out, size_t size);
/* Well-formed UTF-8 (no overlongs, no surrogates). */
bool utf8_valid(const char *data, size_t len);

#endif
