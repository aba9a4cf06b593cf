#include "metadata/validate.h"

#include "metadata/limits.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

const char *check_name(const char *name)
{
	size_t len = strlen(name);
	if (len == 0)
		return "empty name";
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return "'.' and '..' are not names";
	if (len > NAME_MAX_LEN)
		return "name longer than 255 bytes";
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p == '/')
			return "contains '/' (use \"entries\" for directories)";
		if (*p < 0x20 || *p == 0x7f)
			return "contains a control character";
	}
	return NULL;
}

const char *parse_perm(const char *text, mode_t *mode)
{
	size_t len = strlen(text);
	if (len < 3 || len > 4)
		return "perm must be 3 or 4 octal digits, like \"0644\"";
	mode_t value = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '7')
			return "perm must be octal digits, like \"0644\"";
		value = value * 8 + (mode_t)(text[i] - '0');
	}
	if (value & ~(mode_t)0777)
		return "perm may not set setuid, setgid or sticky bits";
	*mode = value;
	return NULL;
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

const char *check_hostname(const char *name)
{
	size_t len = strlen(name);
	if (len == 0 || len > 64)
		return "host name must be 1 to 64 bytes";
	size_t label = 0;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (c == '.') {
			if (label == 0 || name[i - 1] == '-')
				return "empty label or label ending in '-'";
			label = 0;
			continue;
		}
		if (!is_alnum(c) && c != '-')
			return "host names hold only letters, digits, '-' and '.'";
		if (c == '-' && label == 0)
			return "a label may not start with '-'";
		if (++label > 63)
			return "a label is longer than 63 bytes";
	}
	if (label == 0 || name[len - 1] == '-')
		return "empty label or label ending in '-'";
	return NULL;
}

const char *check_sysctl_key(const char *key)
{
	size_t len = strlen(key);
	if (len == 0 || len > 255)
		return "sysctl key must be 1 to 255 bytes";
	if (strstr(key, ".."))
		return "sysctl key may not contain \"..\"";
	if (key[0] == '/' || key[0] == '.')
		return "sysctl key may not start with '/' or '.'";
	for (size_t i = 0; i < len; i++) {
		char c = key[i];
		if (!is_alnum(c) && c != '_' && c != '.' && c != '-' && c != '/')
			return "sysctl keys hold only letters, digits, '_', '-', '.', '/'";
	}
	return NULL;
}

const char *check_line(const char *text, size_t len, size_t max)
{
	if (len > max)
		return "value too long";
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\0' || text[i] == '\n' || text[i] == '\r')
			return "value spans lines or holds NUL";
	return NULL;
}

const char *check_password_hash(const char *hash)
{
	size_t len = strlen(hash);
	if (len < 4 || len > 512 || hash[0] != '$')
		return "not a crypt(3) hash such as \"$6$salt$...\" (see mkpasswd)";
	for (size_t i = 0; i < len; i++) {
		char c = hash[i];
		if (!is_alnum(c) && !strchr("./$=,-", c))
			return "a crypt(3) hash holds only [A-Za-z0-9./$=,-]";
	}
	return NULL;
}

/* Key types OpenSSH 9 accepts in authorized_keys. */
static const char *const ssh_key_types[] = {"ssh-ed25519",
					    "ssh-rsa",
					    "ecdsa-sha2-nistp256",
					    "ecdsa-sha2-nistp384",
					    "ecdsa-sha2-nistp521",
					    "sk-ssh-ed25519@openssh.com",
					    "sk-ecdsa-sha2-nistp256@openssh.com",
					    NULL};

static bool is_base64(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && !strchr("+/=", s[i]))
			return false;
	return n >= 4;
}

const char *check_authorized_key(const char *line, size_t len)
{
	const char *bad = check_line(line, len, 16384);
	if (bad)
		return bad;
	/* [options] TYPE BASE64 [comment]: find TYPE among the words. */
	const char *p = line, *end = line + len;
	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		const char *w = p;
		while (p < end && *p != ' ')
			p++;
		for (const char *const *t = ssh_key_types; *t; t++) {
			if ((size_t)(p - w) != strlen(*t) || memcmp(w, *t, (size_t)(p - w)) != 0)
				continue;
			while (p < end && *p == ' ')
				p++;
			const char *blob = p;
			while (p < end && *p != ' ')
				p++;
			return is_base64(blob, (size_t)(p - blob))
				   ? NULL
				   : "the key after its type is not base64";
		}
	}
	return "not an authorized_keys line: [options] TYPE KEY [comment], TYPE such as "
	       "ssh-ed25519";
}

const char *check_address(const char *text, bool prefix_ok)
{
	char addr[64];
	size_t len = strlen(text);
	if (len == 0 || len >= sizeof addr)
		return "not an IP address";
	memcpy(addr, text, len + 1);
	char *slash = strchr(addr, '/');
	long prefix = -1;
	if (slash) {
		if (!prefix_ok)
			return "no /prefix allowed here";
		char *end;
		*slash = '\0';
		prefix = strtol(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end != '\0' || prefix < 0)
			return "bad /prefix";
	}
	unsigned char bin[16];
	if (inet_pton(AF_INET, addr, bin) == 1)
		return prefix > 32 ? "IPv4 prefix above 32" : NULL;
	if (inet_pton(AF_INET6, addr, bin) == 1)
		return prefix > 128 ? "IPv6 prefix above 128" : NULL;
	return "not an IP address";
}

bool utf8_valid(const char *data, size_t len)
{
	const unsigned char *s = (const unsigned char *)data;
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		unsigned min;
		unsigned cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, min = 0x80, cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, min = 0x800, cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, min = 0x10000, cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

const char *printable(const char *s, char *out, size_t size)
{
	size_t i = 0;
	for (; s[i] && i + 1 < size; i++)
		out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
	out[i] = '\0';
	return out;
}
