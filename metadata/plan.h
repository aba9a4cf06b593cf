/* plan: what will be written under /run/config, decided before anything
 * is written.
 *
 * Parsing untrusted input produces a plan (pure memory, no system calls),
 * which the fuzzer exercises; plan_write() then carries it out under a
 * directory fd. Every path in a plan is relative and made of components
 * that passed check_name(); plan_add_*() refuse anything else, so a plan
 * cannot name a file outside its root. Later entries replace earlier ones
 * with the same path. */
#ifndef STELE_METADATA_PLAN_H
#define STELE_METADATA_PLAN_H

#include <stddef.h>
#include <sys/types.h>

enum entry_kind { ENTRY_DIR, ENTRY_FILE };

struct entry {
	enum entry_kind kind;
	char *path; /* "a/b/c", components checked */
	mode_t mode;
	char *data; /* files only */
	size_t len;
};

struct plan {
	struct entry *entries;
	size_t count;
	size_t alloc;
};

#define PLAN_INIT                                                                                  \
	{                                                                                          \
		0                                                                                  \
	}

/* Returns 0, or -1 with errno (EINVAL for a bad path, ENOMEM). */
int plan_add_dir(struct plan *p, const char *path, mode_t mode);
int plan_add_file(struct plan *p, const char *path, mode_t mode, const void *data, size_t len);
void plan_free(struct plan *p);

/* Carry out the plan under rootfd: directories with mkdirat, files through
 * a temporary file and renameat, all with O_NOFOLLOW, never following a
 * symlink. A failing entry is logged with its path and the reason and
 * skipped; the rest is still written. Returns the number of failures. */
int plan_write(int rootfd, const struct plan *p);

#endif
