#include "boot/rootfs.h"

#include "lib/log.h"
#include "lib/timeline.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define NEW_ROOT "/.stele-root"

/* An inode with several names: the first copy's path, for linkat(). */
struct hard_link {
	dev_t dev;
	ino_t ino;
	char *path; /* relative to the destination root */
};

struct mover {
	dev_t dev; /* the source filesystem */
	int dst_root;
	struct hard_link *links;
	size_t nlinks;
	int errors;
	char path[PATH_MAX]; /* current entry, relative to the roots */
};

static int failed(struct mover *m, const char *what)
{
	log_err("rootfs: %s /%s: %s", what, m->path, strerror(errno));
	m->errors++;
	return -1;
}

static const char *known_link(const struct mover *m, const struct stat *st)
{
	for (size_t i = 0; i < m->nlinks; i++)
		if (m->links[i].dev == st->st_dev && m->links[i].ino == st->st_ino)
			return m->links[i].path;
	return NULL;
}

static void remember_link(struct mover *m, const struct stat *st)
{
	char *path = strdup(m->path);
	struct hard_link *grown = reallocarray(m->links, m->nlinks + 1, sizeof *grown);
	if (!path || !grown) {
		free(path);
		if (grown)
			m->links = grown;
		errno = ENOMEM;
		failed(m, "remember hard link"); /* later names become copies */
		return;
	}
	m->links = grown;
	m->links[m->nlinks++] = (struct hard_link){st->st_dev, st->st_ino, path};
}

static int copy_data(int in, int out, off_t size)
{
	off_t done = 0;
	while (done < size) {
		ssize_t n = sendfile(out, in, NULL, (size_t)(size - done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break; /* the file shrank: keep what there was */
		done += n;
	}
	return 0;
}

/* Owner first: chown clears set-id bits that chmod then restores. */
static int copy_attrs_fd(int fd, const struct stat *st)
{
	struct timespec times[2] = {st->st_atim, st->st_mtim};
	if (fchown(fd, st->st_uid, st->st_gid) < 0 || fchmod(fd, st->st_mode & 07777) < 0 ||
	    futimens(fd, times) < 0)
		return -1;
	return 0;
}

static int copy_attrs_at(int dfd, const char *name, const struct stat *st)
{
	struct timespec times[2] = {st->st_atim, st->st_mtim};
	if (fchownat(dfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (!S_ISLNK(st->st_mode) && fchmodat(dfd, name, st->st_mode & 07777, 0) < 0)
		return -1;
	return utimensat(dfd, name, times, AT_SYMLINK_NOFOLLOW);
}

static int move_file(struct mover *m, int sfd, int dfd, const char *name, const struct stat *st)
{
	int in = openat(sfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (in < 0)
		return failed(m, "open");
	int out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (out < 0) {
		close(in);
		return failed(m, "create");
	}
	int rc = copy_data(in, out, st->st_size) < 0 ? failed(m, "copy") : 0;
	if (rc == 0 && copy_attrs_fd(out, st) < 0)
		rc = failed(m, "set owner, mode or times of");
	close(in);
	if (close(out) < 0 && rc == 0)
		rc = failed(m, "write");
	return rc;
}

static int move_special(struct mover *m, int sfd, int dfd, const char *name, const struct stat *st)
{
	if (S_ISLNK(st->st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(sfd, name, target, sizeof target - 1);
		if (n < 0)
			return failed(m, "read symlink");
		target[n] = '\0';
		if (symlinkat(target, dfd, name) < 0)
			return failed(m, "create symlink");
	} else if (mknodat(dfd, name, st->st_mode, st->st_rdev) < 0) {
		return failed(m, "create node");
	}
	if (copy_attrs_at(dfd, name, st) < 0)
		return failed(m, "set owner, mode or times of");
	return 0;
}

static int move_dir(struct mover *m, int sfd, int dfd);

static int move_subdir(struct mover *m, int sfd, int dfd, const char *name, const struct stat *st)
{
	if (mkdirat(dfd, name, 0700) < 0)
		return failed(m, "create directory");
	int sub_src = openat(sfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub_src < 0)
		return failed(m, "open directory");
	int sub_dst = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub_dst < 0) {
		close(sub_src);
		return failed(m, "open new directory");
	}
	int rc = move_dir(m, sub_src, sub_dst);
	if (copy_attrs_fd(sub_dst, st) < 0)
		rc = failed(m, "set owner, mode or times of");
	close(sub_dst);
	return rc;
}

static int move_entry(struct mover *m, int sfd, int dfd, const char *name)
{
	struct stat st;
	if (fstatat(sfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return failed(m, "stat");
	if (st.st_dev != m->dev)
		return 0; /* a mount point, the new root among them */
	if (S_ISDIR(st.st_mode)) {
		if (move_subdir(m, sfd, dfd, name, &st) < 0)
			return -1;
		/* Not empty when a mount point was left inside: fine. */
		if (unlinkat(sfd, name, AT_REMOVEDIR) < 0 && errno != ENOTEMPTY && errno != EBUSY)
			return failed(m, "remove directory");
		return 0;
	}
	/* Looked up whatever st_nlink says now: the names already moved
	 * were removed, so the last name of a set shows a count of 1. */
	const char *first = known_link(m, &st);
	int rc;
	if (first)
		rc = linkat(m->dst_root, first, dfd, name, 0) < 0 ? failed(m, "hard link") : 0;
	else if (S_ISREG(st.st_mode))
		rc = move_file(m, sfd, dfd, name, &st);
	else
		rc = move_special(m, sfd, dfd, name, &st);
	if (rc < 0)
		return -1;
	if (st.st_nlink > 1 && !first)
		remember_link(m, &st);
	/* Free the initramfs copy now, so memory is never needed twice. */
	if (unlinkat(sfd, name, 0) < 0)
		return failed(m, "remove");
	return 0;
}

/* Takes ownership of sfd. */
static int move_dir(struct mover *m, int sfd, int dfd)
{
	DIR *dir = fdopendir(sfd);
	if (!dir) {
		close(sfd);
		return failed(m, "list directory");
	}
	size_t base = strlen(m->path);
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		int n = snprintf(m->path + base, sizeof m->path - base, "%s%s", base ? "/" : "",
				 e->d_name);
		if (n < 0 || (size_t)n >= sizeof m->path - base) {
			errno = ENAMETOOLONG;
			failed(m, "name");
			continue;
		}
		move_entry(m, dirfd(dir), dfd, e->d_name);
		m->path[base] = '\0';
	}
	closedir(dir);
	return 0;
}

int tree_move(const char *src, const char *dst)
{
	struct mover m = {.dst_root = -1};
	struct stat st;
	int sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0 || fstat(sfd, &st) < 0) {
		log_err("rootfs: open %s: %s", src, strerror(errno));
		if (sfd >= 0)
			close(sfd);
		return -1;
	}
	m.dev = st.st_dev;
	m.dst_root = open(dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (m.dst_root < 0) {
		log_err("rootfs: open %s: %s", dst, strerror(errno));
		close(sfd);
		return -1;
	}
	mode_t old_umask = umask(0);
	move_dir(&m, sfd, m.dst_root);
	umask(old_umask);
	close(m.dst_root);
	for (size_t i = 0; i < m.nlinks; i++)
		free(m.links[i].path);
	free(m.links);
	return m.errors;
}

static bool root_is_initramfs(void)
{
	struct statfs sfs;
	if (statfs("/", &sfs) < 0) {
		log_err("rootfs: statfs /: %s: staying on the current root", strerror(errno));
		return false;
	}
	return sfs.f_type == RAMFS_MAGIC || sfs.f_type == TMPFS_MAGIC;
}

static int mount_new_root(void)
{
	if (mkdir(NEW_ROOT, 0755) < 0 && errno != EEXIST) {
		log_err("rootfs: mkdir %s: %s: staying on the initramfs", NEW_ROOT,
			strerror(errno));
		return -1;
	}
	if (mount("tmpfs", NEW_ROOT, "tmpfs", 0, "mode=0755") < 0) {
		log_err("rootfs: mount tmpfs on %s: %s: staying on the initramfs", NEW_ROOT,
			strerror(errno));
		rmdir(NEW_ROOT);
		return -1;
	}
	return 0;
}

/* After this the tmpfs is "/" and the initramfs is out of reach. */
static int switch_to_new_root(void)
{
	if (chdir(NEW_ROOT) < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 ||
	    chdir("/") < 0) {
		log_err("rootfs: switch to %s: %s: staying on the initramfs", NEW_ROOT,
			strerror(errno));
		return -1;
	}
	return 0;
}

static void reexec(char **argv, double start)
{
	char times[64];
	snprintf(times, sizeof times, "%.3f %.3f", start, boottime_ms());
	if (setenv(ROOTFS_TIMES_ENV, times, 1) < 0) {
		log_err("rootfs: setenv: %s: not re-executing", strerror(errno));
		return;
	}
	execv("/sbin/init", argv);
	log_err("rootfs: exec /sbin/init: %s: going on without re-exec", strerror(errno));
	unsetenv(ROOTFS_TIMES_ENV);
}

/* The initramfs bound on a directory of itself and then moved over "/":
 * "/" becomes a mount with a parent, which is all pivot_root(2) (runc)
 * asks of the root it leaves, and every file stays where the kernel
 * unpacked it. Copying to a tmpfs instead cost ~1.2 s of a TCG boot for
 * an image of 150 MB; it stays as the fallback. */
static int bind_new_root(void)
{
	if (mkdir(NEW_ROOT, 0755) < 0 && errno != EEXIST) {
		log_err("rootfs: mkdir %s: %s", NEW_ROOT, strerror(errno));
		return -1;
	}
	if (mount("/", NEW_ROOT, NULL, MS_BIND, NULL) < 0) {
		log_err("rootfs: bind / on %s: %s: copying to a tmpfs instead", NEW_ROOT,
			strerror(errno));
		rmdir(NEW_ROOT);
		return -1;
	}
	/* The kernel makes the initramfs root 1777, as for any tmpfs; a root
	 * anyone may write fails sshd's StrictModes for every path under it
	 * (a service binding "/" sees it), and the tmpfs copy was 0755. */
	if (chmod(NEW_ROOT, 0755) < 0)
		log_warn("rootfs: chmod 0755 /: %s", strerror(errno));
	return 0;
}

static int copy_to_tmpfs_root(void)
{
	if (mount_new_root() < 0)
		return -1;
	int errors = tree_move("/", NEW_ROOT);
	if (errors < 0) {
		/* Nothing was moved: drop the empty tmpfs. */
		if (umount2(NEW_ROOT, 0) < 0 || rmdir(NEW_ROOT) < 0)
			log_err("rootfs: remove %s: %s", NEW_ROOT, strerror(errno));
		return -1;
	}
	if (errors > 0)
		log_err("rootfs: %d entries could not be moved to the tmpfs root", errors);
	return 0;
}

void rootfs_leave_if_initramfs(char **argv)
{
	if (getenv(ROOTFS_TIMES_ENV) || !root_is_initramfs())
		return;
	/* A kernel command line word, which the kernel hands to init as
	 * its environment; settings are not read yet. */
	const char *how = getenv(ROOTFS_HOW_ENV);
	bool copy = how && strcmp(how, "copy") == 0;
	if (unsetenv(ROOTFS_HOW_ENV) < 0)
		log_warn("rootfs: unsetenv %s: %s", ROOTFS_HOW_ENV, strerror(errno));
	double start = boottime_ms();
	bool bound = !copy && bind_new_root() == 0;
	if (!bound && copy_to_tmpfs_root() < 0)
		return;
	if (switch_to_new_root() < 0)
		return;
	/* The bind showed NEW_ROOT as an empty directory of its own. */
	if (bound && rmdir(NEW_ROOT) < 0)
		log_warn("rootfs: rmdir %s: %s", NEW_ROOT, strerror(errno));
	log_debug("rootfs: %s in %.0f ms",
		  bound ? "bound the initramfs as the root" : "moved to a tmpfs root",
		  boottime_ms() - start);
	reexec(argv, start);
}
