/* fdio: whole-buffer writes, marker files and symlink-safe directory opens.
 *
 * Contract: write_all() writes all len bytes, retrying on EINTR and short
 * writes. Returns 0, or -1 with errno set (a zero-length write counts as an
 * error, EIO, so a full pipe or disk never loops forever). */
#ifndef STELE_FDIO_H
#define STELE_FDIO_H

#include <stddef.h>

int write_all(int fd, const void *buf, size_t len);
/* Creates path (0644) if missing, leaving its contents; -1 with errno. */
int touch_file(const char *path);

/* Open the directory name under dirfd without following a symlink
 * (O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC). A symlink fails with ELOOP, not the
 * ENOTDIR the kernel gives, so messages name the real obstacle. */
int open_dir_nofollow_at(int dirfd, const char *name);

/* Mark every open fd >= lowfd close-on-exec, so fds a process inherited
 * without O_CLOEXEC never reach what it executes. close_range()
 * (CLOSE_RANGE_CLOEXEC, Linux 5.11) when the kernel has it, else each fd
 * listed in /proc/self/fd. Returns 0, or -1 with errno set when neither
 * works. */
int fds_set_cloexec_from(int lowfd);

#endif
