#include "builder/vfat.h"

#include "builder/fsutil.h"
#include "builder/tool.h"
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Below about 33 MiB a FAT32 file system has too few clusters. */
#define VFAT_MIN_BYTES (40 * MIB)
#define FAT_EPOCH_MIN  315532800LL  /* 1980-01-01 */
#define FAT_EPOCH_MAX  4354819199LL /* 2107-12-31 */
#define MAX_DIRS       32

static uint64_t round_up(uint64_t v, uint64_t to)
{
	return (v + to - 1) / to * to;
}

int vfat_size(const struct vfat_file *files, size_t n, uint64_t *bytes)
{
	uint64_t data = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(files[i].src, &st) < 0) {
			log_err("%s: %s", files[i].src, strerror(errno));
			return -1;
		}
		/* A cluster is at most 4 KiB at these sizes; a directory or two each. */
		data += round_up((uint64_t)st.st_size, 4096) + 2 * 4096;
	}
	/* Two FATs of 4 bytes per 512-byte cluster are 1.6%; 1 MiB for the rest. */
	uint64_t size = round_up(data + data / 50 + MIB, MIB);
	*bytes = size < VFAT_MIN_BYTES ? VFAT_MIN_BYTES : size;
	return 0;
}

static int make_fs(const struct vfat *v, const char *log)
{
	if (v->offset == 0 && !path_exists(v->image)) {
		int fd = open(v->image, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0 || ftruncate(fd, (off_t)v->size) < 0) {
			log_err("%s: %s", v->image, strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
	}
	/* mkfs.vfat would pick the cluster size from the whole image file,
	 * too large for a small partition in a large disk: FAT32 needs
	 * 65525 clusters at least. The geometry is fixed too: mkfs.vfat cuts
	 * the size to whole tracks of the one it guesses from the file. */
	const char *cluster = v->size < 260 * MIB ? "1" : "8";
	char offset[32], hidden[32], id[16], blocks[32];
	snprintf(offset, sizeof offset, "--offset=%llu", (unsigned long long)(v->offset / 512));
	snprintf(hidden, sizeof hidden, "%llu", (unsigned long long)(v->offset / 512));
	snprintf(id, sizeof id, "%08x", v->volume_id);
	snprintf(blocks, sizeof blocks, "%llu", (unsigned long long)(v->size / 1024));
	char *argv[] = {"/sbin/mkfs.vfat",
			"-F",
			"32",
			"-S",
			"512",
			"-s",
			(char *)cluster,
			"-g",
			"64/32",
			"--invariant",
			"-i",
			id,
			"-n",
			(char *)v->label,
			"-h",
			hidden,
			offset,
			"--",
			(char *)v->image,
			blocks,
			NULL};
	return tool_run("formatting the FAT file system", argv, log, 120);
}

/* mmd each folder the files need, parents first, once. */
static int make_dirs(const char *image, const struct vfat_file *files, size_t n, const char *log)
{
	char dirs[MAX_DIRS][PATH_MAX];
	size_t ndirs = 0;
	for (size_t i = 0; i < n; i++) {
		for (const char *s = strchr(files[i].dest, '/'); s; s = strchr(s + 1, '/')) {
			char dir[PATH_MAX];
			snprintf(dir, sizeof dir, "::/%.*s", (int)(s - files[i].dest),
				 files[i].dest);
			size_t j = 0;
			while (j < ndirs && strcmp(dirs[j], dir) != 0)
				j++;
			if (j < ndirs)
				continue;
			if (ndirs == MAX_DIRS) {
				log_err("%s: too many folders", image);
				return -1;
			}
			snprintf(dirs[ndirs++], PATH_MAX, "%s", dir);
			char *argv[] = {"/usr/bin/mmd", "-i", (char *)image, dir, NULL};
			if (tool_run("making a folder in the FAT file system", argv, log, 60) < 0)
				return -1;
		}
	}
	return 0;
}

static int copy_files(const char *image, const struct vfat_file *files, size_t n, const char *log)
{
	for (size_t i = 0; i < n; i++) {
		char dest[PATH_MAX];
		snprintf(dest, sizeof dest, "::/%s", files[i].dest);
		char *argv[] = {"/usr/bin/mcopy",     "-i", (char *)image,
				(char *)files[i].src, dest, NULL};
		if (tool_run("copying into the FAT file system", argv, log, 300) < 0)
			return -1;
	}
	return 0;
}

int vfat_write(const struct vfat *v, const struct vfat_file *files, size_t n)
{
	char log[PATH_MAX], image[PATH_MAX + 32];
	if (path_join(log, sizeof log, v->work, "vfat.log") < 0)
		return -1;
	/* mtools' IMAGE@@OFFSET addresses a partition inside a disk image. */
	snprintf(image, sizeof image, "%s@@%llu", v->image, (unsigned long long)v->offset);
	int64_t date = v->epoch < FAT_EPOCH_MIN	  ? FAT_EPOCH_MIN
		       : v->epoch > FAT_EPOCH_MAX ? FAT_EPOCH_MAX
						  : v->epoch;
	tool_environment(date);
	if (make_fs(v, log) < 0 || make_dirs(image, files, n, log) < 0 ||
	    copy_files(image, files, n, log) < 0)
		return -1;
	return 0;
}
