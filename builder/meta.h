/* meta: what the staged tree cannot hold when the builder is not root:
 * owners, modes the builder had to widen, and device nodes.
 *
 * Contract: paths are relative to the tree's root, without a leading '/'.
 * A later record for a path replaces an earlier one; meta_forget() drops a
 * path and everything under it (a whiteout). meta_write() writes the
 * records sorted by path in initramfs.h's overrides format, so the same
 * records always give the same file. */
#ifndef STELE_CONFIG_META_H
#define STELE_CONFIG_META_H

#include <stddef.h>
#include <sys/types.h>

struct meta_entry {
	char *path;
	char kind; /* 'o': owner (and mode), 'n': device node, 'd': directory */
	unsigned mode, uid, gid;
	char type; /* 'c' or 'b' for nodes */
	unsigned major, minor;
};

struct meta {
	struct meta_entry *v;
	size_t len, cap;
};

/* mode < 0: keep the tree's mode. */
int meta_own(struct meta *m, const char *path, unsigned uid, unsigned gid, int mode);
int meta_node(struct meta *m, const char *path, unsigned mode, unsigned uid, unsigned gid,
	      char type, unsigned major, unsigned minor);
int meta_dir(struct meta *m, const char *path, unsigned mode, unsigned uid, unsigned gid);
void meta_forget(struct meta *m, const char *path);
/* Drop the record of exactly this path (a file replaced by another). */
void meta_forget_one(struct meta *m, const char *path);
/* The record for exactly this path, or NULL. */
const struct meta_entry *meta_find(const struct meta *m, const char *path);
int meta_write(struct meta *m, const char *file);
void meta_free(struct meta *m);

#endif
