#include "builder/uki.h"

#include "builder/digest.h"
#include "builder/fsutil.h"
#include "builder/pe.h"
#include "builder/tool.h"
#include "lib/log.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECTION_ALIGN 4096u

#ifndef STELE_VERSION
#define STELE_VERSION "0.1"
#endif

struct section {
	const char *name;
	char path[PATH_MAX];
	char add[PATH_MAX + 16]; /* objcopy's "--add-section NAME=PATH" */
	char vma[64];		 /* "--change-section-vma NAME=0x..." */
};

static int write_small(const char *work, const char *file, const char *text, char *path)
{
	if (path_join(path, PATH_MAX, work, file) < 0)
		return -1;
	return write_file(path, text, strlen(text), 0644);
}

/* Place the sections one after another from the end of the stub. */
static int place(struct section *s, size_t n)
{
	uint64_t at;
	if (pe_image_end(UKI_STUB, SECTION_ALIGN, &at) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(s[i].path, &st) < 0) {
			log_err("%s: %s", s[i].path, strerror(errno));
			return -1;
		}
		snprintf(s[i].add, sizeof s[i].add, "%s=%s", s[i].name, s[i].path);
		snprintf(s[i].vma, sizeof s[i].vma, "%s=0x%llx", s[i].name, (unsigned long long)at);
		at = (at + (uint64_t)st.st_size + SECTION_ALIGN - 1) &
		     ~(uint64_t)(SECTION_ALIGN - 1);
	}
	return 0;
}

int uki_write(const char *work, const struct uki_parts *p, int64_t epoch, const char *out)
{
	struct section s[4] = {
	    {.name = ".osrel"}, {.name = ".cmdline"}, {.name = ".linux"}, {.name = ".initrd"}};
	/* VERSION_ID and STELE_BUILD let an update check what it installs
	 * (update/README.md): stele's version, and a digest of what boots. */
	char osrel[768], kdigest[DIGEST_HEX_LEN], idigest[DIGEST_HEX_LEN];
	if (file_sha256(p->kernel, kdigest) < 0 || file_sha256(p->initrd, idigest) < 0) {
		log_err("%s: %s", p->initrd, strerror(errno));
		return -1;
	}
	snprintf(osrel, sizeof osrel,
		 "NAME=\"stele\"\nID=stele\nPRETTY_NAME=\"stele %s\"\nIMAGE_ID=\"%s\"\n"
		 "VERSION_ID=\"%s\"\nSTELE_BUILD=\"%.16s%.16s\"\n",
		 p->name, p->name, STELE_VERSION, kdigest, idigest);
	if (write_small(work, "uki.osrel", osrel, s[0].path) < 0 ||
	    write_small(work, "uki.cmdline", p->cmdline, s[1].path) < 0)
		return -1;
	snprintf(s[2].path, sizeof s[2].path, "%s", p->kernel);
	snprintf(s[3].path, sizeof s[3].path, "%s", p->initrd);
	if (place(s, 4) < 0)
		return -1;
	char tmp[PATH_MAX + 8], log[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	if (path_join(log, sizeof log, work, "objcopy.log") < 0)
		return -1;
	char *argv[] = {"/usr/bin/objcopy", "--add-section", s[0].add, "--change-section-vma",
			s[0].vma,	    "--add-section", s[1].add, "--change-section-vma",
			s[1].vma,	    "--add-section", s[2].add, "--change-section-vma",
			s[2].vma,	    "--add-section", s[3].add, "--change-section-vma",
			s[3].vma,	    UKI_STUB,	     tmp,      NULL};
	/* objcopy stamps the current time; the PE field holds 32 bits. */
	uint32_t stamp = epoch < 0 ? 0 : epoch > UINT32_MAX ? UINT32_MAX : (uint32_t)epoch;
	if (tool_run("writing the UKI", argv, log, 300) < 0 || pe_set_timestamp(tmp, stamp) < 0) {
		unlink(tmp);
		return -1;
	}
	/* objcopy copies the stub's mode; an image is not run on the host. */
	if (chmod(tmp, 0644) < 0 || rename(tmp, out) < 0) {
		log_err("%s: %s", out, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
