/* fsutil: the few filesystem operations the builder repeats.
 *
 * Contract: every function returns 0, or -1 after printing one line on
 * stderr that names the path and the reason ("stele: PATH: REASON"). */
#ifndef STELE_CONFIG_FSUTIL_H
#define STELE_CONFIG_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* mkdir -p with mode for the directories it creates. */
int mkdir_p(const char *path, mode_t mode);
/* Create the parent directories of path. */
int mkdir_parents(const char *path);
/* Copy a regular file's bytes (following symlinks at src) to dst with mode. */
int copy_file(const char *src, const char *dst, mode_t mode);
/* Write len bytes to path through path.tmp + rename, with mode. */
int write_file(const char *path, const void *data, size_t len, mode_t mode);
/* rm -rf that also empties directories without write permission. */
int remove_tree(const char *path);
bool path_exists(const char *path);
bool is_dir(const char *path);
/* Read a whole small file into a malloc'd, NUL-terminated buffer. */
char *read_text(const char *path, size_t *len);
/* snprintf that fails loudly instead of truncating a path. */
int path_join(char *out, size_t len, const char *a, const char *b);

#endif
