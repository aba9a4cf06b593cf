/* readfile: read a whole small file, bounded.
 *
 * Contract: returns a malloc'd NUL-terminated copy of path, at most max
 * bytes (a longer file is an error, EFBIG: a bad image must not make PID 1
 * allocate without limit), or NULL with errno set. *len (may be NULL)
 * gets the size. */
#ifndef STELE_INIT_READFILE_H
#define STELE_INIT_READFILE_H

#include <stddef.h>

char *read_file(const char *path, size_t max, size_t *len);

#endif
