#include "builder/dedup.h"

#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct candidate {
	size_t index;
	const struct dedup_file *file;
	unsigned char sha256[32];
};

/* What must match before the bytes are worth reading. */
static int by_attributes(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	const struct dedup_file *f = x->file, *g = y->file;
	if (f->size != g->size)
		return f->size < g->size ? -1 : 1;
	if (f->mode != g->mode)
		return f->mode < g->mode ? -1 : 1;
	if (f->uid != g->uid)
		return f->uid < g->uid ? -1 : 1;
	if (f->gid != g->gid)
		return f->gid < g->gid ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int by_content(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	int c = memcmp(x->sha256, y->sha256, sizeof x->sha256);
	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static bool same_attributes(const struct candidate *x, const struct candidate *y)
{
	return x->file->size == y->file->size && x->file->mode == y->file->mode &&
	       x->file->uid == y->file->uid && x->file->gid == y->file->gid;
}

static int hash_file(const char *tree, struct candidate *c)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", tree, c->file->rel);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		log_msg_as(LOG_ERR, "initramfs", "cannot read %s: %s", c->file->rel,
			   strerror(errno));
		return -1;
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char buf[1 << 16];
	unsigned int len = 0;
	ssize_t n = -1;
	if (ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1) {
		while ((n = read(fd, buf, sizeof buf)) > 0)
			EVP_DigestUpdate(ctx, buf, (size_t)n);
		if (n == 0)
			EVP_DigestFinal_ex(ctx, c->sha256, &len);
	}
	int err = errno;
	EVP_MD_CTX_free(ctx);
	close(fd);
	if (n != 0 || len != sizeof c->sha256) {
		log_msg_as(LOG_ERR, "initramfs", "cannot hash %s: %s", c->file->rel,
			   n < 0 ? strerror(err) : "no SHA-256 from libcrypto");
		return -1;
	}
	return 0;
}

/* One run of files alike but for their bytes: hash them, then every set of
 * equal hashes links to its lowest index. */
static int link_run(const char *tree, struct candidate *run, size_t len, size_t *leader,
		    size_t *members)
{
	for (size_t i = 0; i < len; i++)
		if (hash_file(tree, &run[i]) < 0)
			return -1;
	qsort(run, len, sizeof *run, by_content);
	for (size_t i = 0, end; i < len; i = end) {
		for (end = i + 1;
		     end < len && !memcmp(run[end].sha256, run[i].sha256, sizeof run[i].sha256);
		     end++)
			;
		for (size_t k = i; k < end; k++) {
			leader[run[k].index] = run[i].index;
			members[run[k].index] = end - i;
		}
	}
	return 0;
}

int dedup_find(const char *tree, const struct dedup_file *files, size_t n, size_t *leader,
	       size_t *members)
{
	for (size_t i = 0; i < n; i++) {
		leader[i] = i;
		members[i] = 1;
	}
	struct candidate *c = calloc(n ? n : 1, sizeof *c);
	if (!c) {
		log_msg_as(LOG_ERR, "initramfs", "out of memory finding identical files");
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		c[i] = (struct candidate){.index = i, .file = &files[i]};
	qsort(c, n, sizeof *c, by_attributes);
	int rc = 0;
	for (size_t i = 0, end; i < n && rc == 0; i = end) {
		for (end = i + 1; end < n && same_attributes(&c[end], &c[i]); end++)
			;
		if (end - i > 1 && c[i].file->size > 0)
			rc = link_run(tree, c + i, end - i, leader, members);
	}
	free(c);
	return rc;
}
