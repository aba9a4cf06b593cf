#include "update/uki_check.h"

#include "metadata/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_SECTIONS  96
#define SECTION_BYTES 40
#define CHECK_TIMEOUT 5000 /* ms, for the confined parse */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static int refuse(struct uki_info *info, const char *why)
{
	snprintf(info->why, sizeof info->why, "%s", why);
	return -1;
}

/* Read exactly len bytes at off, which must lie inside size. */
static int read_at(int fd, uint64_t size, uint64_t off, void *buf, size_t len)
{
	if (off > size || len > size - off)
		return -1;
	/* lseek and read: the sandbox's allowlist has no pread64. */
	if (lseek(fd, (off_t)off, SEEK_SET) < 0)
		return -1;
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* KEY="value" or KEY=value from os-release text, into out. */
static void osrel_get(const char *text, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key);
	out[0] = '\0';
	for (const char *line = text; *line;) {
		size_t n = strcspn(line, "\n");
		if (n > klen && !strncmp(line, key, klen) && line[klen] == '=') {
			const char *v = line + klen + 1;
			size_t vn = n - klen - 1;
			if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"')
				v++, vn -= 2;
			size_t i = 0;
			for (; i < vn && i + 1 < len; i++)
				out[i] = (v[i] >= 0x20 && v[i] < 0x7f) ? v[i] : '?';
			out[i] = '\0';
			return;
		}
		line += n + (line[n] == '\n');
	}
}

struct sections {
	uint64_t osrel_off, osrel_len;
	int have_osrel, have_cmdline, have_linux;
};

static int scan_sections(int fd, uint64_t size, struct sections *s, struct uki_info *info)
{
	uint8_t dos[64], pe[24];
	if (read_at(fd, size, 0, dos, sizeof dos) < 0 || dos[0] != 'M' || dos[1] != 'Z')
		return refuse(info, "not a PE file (no MZ header)");
	uint64_t pe_off = le32(dos + 0x3c);
	if (read_at(fd, size, pe_off, pe, sizeof pe) < 0 || memcmp(pe, "PE\0\0", 4) != 0)
		return refuse(info, "not a PE file (no PE header)");
	unsigned nsec = le16(pe + 6), opt = le16(pe + 20);
	if (nsec == 0 || nsec > MAX_SECTIONS)
		return refuse(info, "not a UKI (implausible section count)");
	uint64_t table = pe_off + sizeof pe + opt;
	for (unsigned i = 0; i < nsec; i++) {
		uint8_t h[SECTION_BYTES];
		if (read_at(fd, size, table + (uint64_t)i * SECTION_BYTES, h, sizeof h) < 0)
			return refuse(info, "not a PE file (section table past the end)");
		uint32_t vsize = le32(h + 8), raw = le32(h + 16), ptr = le32(h + 20);
		uint64_t len = vsize && vsize < raw ? vsize : raw;
		if ((uint64_t)ptr > size || len > size - ptr)
			return refuse(info, "not a PE file (a section past the end)");
		if (!memcmp(h, ".osrel\0", 7)) {
			s->have_osrel = 1;
			s->osrel_off = ptr;
			s->osrel_len = len;
		}
		s->have_cmdline |= !memcmp(h, ".cmdline", 8);
		s->have_linux |= !memcmp(h, ".linux\0", 7);
	}
	if (!s->have_linux)
		return refuse(info, "not a UKI (no .linux section)");
	if (!s->have_cmdline)
		return refuse(info, "not a UKI (no .cmdline section)");
	if (!s->have_osrel)
		return refuse(info, "not a UKI (no .osrel section)");
	return 0;
}

int uki_parse_fd(int fd, struct uki_info *info)
{
	memset(info, 0, sizeof *info);
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return refuse(info, "not a regular file");
	struct sections s = {0};
	if (scan_sections(fd, (uint64_t)st.st_size, &s, info) < 0)
		return -1;
	char text[UKI_OSREL_MAX + 1];
	size_t n = s.osrel_len < UKI_OSREL_MAX ? (size_t)s.osrel_len : UKI_OSREL_MAX;
	if (read_at(fd, (uint64_t)st.st_size, s.osrel_off, text, n) < 0)
		return refuse(info, "not a UKI (unreadable .osrel)");
	text[n] = '\0';
	char id[32];
	osrel_get(text, "ID", id, sizeof id);
	if (strcmp(id, "stele") != 0)
		return refuse(info, "not a stele image (.osrel has no ID=stele)");
	osrel_get(text, "VERSION_ID", info->version, sizeof info->version);
	osrel_get(text, "STELE_BUILD", info->build, sizeof info->build);
	osrel_get(text, "IMAGE_ID", info->name, sizeof info->name);
	if (!info->version[0])
		return refuse(info, "no stele version in its .osrel (VERSION_ID): built by an "
				    "older stele; rebuild it");
	return 0;
}

struct child_arg {
	int fd, out;
};

static int child(void *p)
{
	struct child_arg *a = p;
	struct uki_info info;
	int rc = uki_parse_fd(a->fd, &info);
	return write(a->out, &info, sizeof info) == (ssize_t)sizeof info ? (rc == 0 ? 0 : 1) : 2;
}

int uki_check_fd(int fd, struct uki_info *info)
{
	memset(info, 0, sizeof *info);
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return refuse(info, "cannot make a pipe");
	/* The struct is far smaller than a pipe's buffer: the child never
	 * blocks on its write. */
	struct child_arg a = {.fd = fd, .out = p[1]};
	int rc = sandbox_run("update file check", SANDBOX_WRITER, -1, child, &a, CHECK_TIMEOUT);
	close(p[1]);
	struct uki_info got;
	ssize_t n = read(p[0], &got, sizeof got);
	close(p[0]);
	if (rc < 0 || rc > 1 || n != (ssize_t)sizeof got)
		return refuse(info, "its check crashed or timed out (not a well-formed file)");
	got.why[sizeof got.why - 1] = got.version[sizeof got.version - 1] = '\0';
	got.build[sizeof got.build - 1] = got.name[sizeof got.name - 1] = '\0';
	*info = got;
	return rc == 0 ? 0 : -1;
}
