/* erofs: /containers as one read-only image (erofs.h). */
#include "builder/erofs.h"

#include "builder/fsutil.h"
#include "builder/gpt.h"
#include "builder/initramfs.h"
#include "builder/tool.h"
#include "lib/log.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PREFIX	   "/containers/"
#define TIMEOUT_S  1800
#define FAKEROOT   "/usr/bin/fakeroot"
#define MKFS_EROFS "/usr/bin/mkfs.erofs"
#define HARDLINK   "/usr/bin/hardlink"

bool erofs_layout(const json_t *root)
{
	const char *v =
	    json_string_value(json_object_get(json_object_get(root, "containers"), "layout"));
	return v && strcmp(v, "erofs") == 0;
}

/* PATH in single quotes for sh. */
static void quoted(FILE *f, const char *path)
{
	fputc('\'', f);
	for (const char *p = path; *p; p++)
		fputs(*p == '\'' ? "'\\''" : (char[]){*p, 0}, f);
	fputc('\'', f);
}

/* One overrides line under containers/ as shell commands, relative to
 * the image's root; the rest goes to the main cpio's overrides. */
static void script_line(FILE *sh, const char *line)
{
	char kind[8], path[PATH_MAX], type;
	unsigned mode = 0, uid, gid, major, minor;
	int n;
	if (sscanf(line, "nod %4095s %o %u %u %c %u %u", path, &mode, &uid, &gid, &type, &major,
		   &minor) == 7) {
		fputs("rm -f ", sh), quoted(sh, path), fputc('\n', sh);
		fprintf(sh, "mknod -m %04o ", mode), quoted(sh, path);
		fprintf(sh, " %c %u %u\n", type, major, minor);
	} else if (sscanf(line, "dir %4095s %o %u %u", path, &mode, &uid, &gid) == 4) {
		fputs("mkdir -p ", sh), quoted(sh, path), fputc('\n', sh);
		fprintf(sh, "chmod %04o ", mode), quoted(sh, path), fputc('\n', sh);
	} else if ((n = sscanf(line, "%7s %4095s %u %u %o", kind, path, &uid, &gid, &mode)) >= 4 &&
		   strcmp(kind, "own") == 0) {
		if (n == 5)
			fprintf(sh, "chmod %04o ", mode), quoted(sh, path), fputc('\n', sh);
	} else {
		return;
	}
	fprintf(sh, "chown -h %u:%u ", uid, gid), quoted(sh, path), fputc('\n', sh);
}

/* Split the overrides: the lines under /containers/ become the script's
 * commands (paths made relative to the image), the rest cpio_overrides. */
static int split_overrides(const struct erofs_job *job, FILE *sh)
{
	char *text = read_text(job->overrides, NULL);
	FILE *cpio = fopen(job->cpio_overrides, "we");
	if (!text || !cpio) {
		log_err("%s: cannot split the overrides: %s", job->cpio_overrides, strerror(errno));
		free(text);
		if (cpio)
			fclose(cpio);
		return -1;
	}
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *p = strchr(line, ' ');
		if (p && strncmp(p + 1, PREFIX, strlen(PREFIX)) == 0) {
			/* "KIND /containers/x ..." -> "KIND ./x ..." */
			char rel[PATH_MAX + 64];
			snprintf(rel, sizeof rel, "%.*s ./%s", (int)(p - line), line,
				 p + 1 + strlen(PREFIX));
			script_line(sh, rel);
		} else {
			fprintf(cpio, "%s\n", line);
		}
	}
	free(text);
	return fclose(cpio) == 0 ? 0 : -1;
}

static int write_script(const struct erofs_job *job, const char *script, const char *src,
			const char *image)
{
	FILE *sh = fopen(script, "we");
	if (!sh) {
		log_err("%s: %s", script, strerror(errno));
		return -1;
	}
	fputs("set -e\ncd ", sh), quoted(sh, src), fputc('\n', sh);
	int rc = split_overrides(job, sh);
	uint8_t g[16];
	char seed[512];
	snprintf(seed, sizeof seed, "stele-containers-erofs:%s", job->name);
	guid_derive(seed, g);
	/* Same bytes, mode and owner (the overrides above, as fakeroot shows
	 * them) become one inode, which erofs stores once. */
	fprintf(sh, HARDLINK " -q -t .\n");
	/* 64 KiB physical clusters: smaller than the default 4 KiB ones, bytes
	 * the kernel copies at every boot. No -Eztailpacking: Debian 12's kernel
	 * (6.1) calls compressed inline data experimental and says so at every
	 * mount. */
	fprintf(sh,
		MKFS_EROFS
		" --quiet -zlz4hc -C65536 -x-1 -T%lld "
		"-U%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x ",
		(long long)job->epoch, g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9],
		g[10], g[11], g[12], g[13], g[14], g[15]);
	quoted(sh, image), fputc(' ', sh), quoted(sh, src), fputc('\n', sh);
	if (fclose(sh) != 0)
		rc = -1;
	return rc;
}

static const struct tool erofs_tools[] = {
    {FAKEROOT, "fakeroot"}, {MKFS_EROFS, "erofs-utils"}, {HARDLINK, "util-linux"}, {NULL, NULL}};

int erofs_split(const struct erofs_job *job)
{
	const struct tool *t = tool_missing(erofs_tools);
	if (t) {
		log_err("containers.layout erofs: %s is missing (install %s)", t->path, t->package);
		return -1;
	}
	char dir[PATH_MAX], src[PATH_MAX], seg[PATH_MAX], image[PATH_MAX * 2], script[PATH_MAX],
	    log[PATH_MAX], empty[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/containers", job->tree);
	snprintf(src, sizeof src, "%s/erofs-src", job->work);
	snprintf(seg, sizeof seg, "%s/erofs-seg", job->work);
	snprintf(image, sizeof image, "%s/" EROFS_IMAGE, seg);
	snprintf(script, sizeof script, "%s/erofs.sh", job->work);
	snprintf(log, sizeof log, "%s/erofs.log", job->work);
	snprintf(empty, sizeof empty, "%s/erofs-seg.overrides", job->work);
	if (rename(dir, src) < 0 || mkdir(dir, 0755) < 0 || mkdir(seg, 0755) < 0) {
		log_err("%s: %s", dir, strerror(errno));
		return -1;
	}
	if (write_script(job, script, src, image) < 0 || write_file(empty, "", 0, 0600) < 0)
		return -1;
	log_info("writing /containers as erofs (mkfs.erofs, lz4hc)");
	char *argv[] = {FAKEROOT, "--", "/bin/sh", script, NULL};
	if (tool_run("containers.layout erofs", argv, log, TIMEOUT_S) < 0 || chmod(image, 0400) < 0)
		return -1;
	struct initramfs_opts opts = {.compression = COMPRESS_NONE, .epoch = job->epoch};
	return initramfs_write(seg, empty, job->segment, &opts);
}

int erofs_join(const struct erofs_job *job)
{
	char dir[PATH_MAX], src[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/containers", job->tree);
	snprintf(src, sizeof src, "%s/erofs-src", job->work);
	if (rmdir(dir) < 0 || rename(src, dir) < 0) {
		log_err("%s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}
