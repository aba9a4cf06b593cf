/* recwriter FILE COUNT: append COUNT numbered records to FILE, fsync
 * after each, and print "fsynced N" only once fsync(N) has returned: a
 * printed number is a record the kernel promised is on disk. The power
 * cut test kills the VM under it and then looks for every printed one. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int die(const char *what, const char *path)
{
	fprintf(stderr, "recwriter: %s %s: %s\n", what, path, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: recwriter FILE COUNT\n");
		return 2;
	}
	const char *path = argv[1];
	long count = strtol(argv[2], NULL, 10);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return die("open", path);
	/* The file's directory entry must be durable too. */
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0)
		return die("fsync directory of", path);
	close(dfd);
	for (long i = 1; i <= count; i++) {
		char rec[32];
		int len = snprintf(rec, sizeof rec, "record %06ld\n", i);
		if (write(fd, rec, (size_t)len) != len)
			return die("write", path);
		if (fsync(fd) < 0)
			return die("fsync", path);
		printf("fsynced %ld\n", i);
		fflush(stdout);
	}
	return close(fd) < 0 ? die("close", path) : 0;
}
