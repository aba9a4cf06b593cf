#include "builder/initramfs.h"

#include "builder/dedup.h"
#include "lib/log.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct override {
	char kind[4];
	char path[512];
	unsigned mode, uid, gid, major, minor;
	char type;
};

struct entries {
	char **paths;
	size_t len, cap;
};

static struct entries walk_entries;

/* Inode numbers in the archive: a counter, so they do not depend on the
 * filesystem the tree was staged on; hard links share theirs. */
struct link_ino {
	dev_t dev;
	ino_t ino;
	int64_t seq;
};
static struct {
	struct link_ino *v;
	size_t len, cap;
	int64_t next;
} inos;

static int64_t archive_ino(const struct stat *st)
{
	if (st->st_nlink < 2 || S_ISDIR(st->st_mode))
		return ++inos.next;
	for (size_t i = 0; i < inos.len; i++)
		if (inos.v[i].dev == st->st_dev && inos.v[i].ino == st->st_ino)
			return inos.v[i].seq;
	if (inos.len == inos.cap) {
		size_t cap = inos.cap ? inos.cap * 2 : 64;
		struct link_ino *grown = realloc(inos.v, cap * sizeof *grown);
		if (!grown)
			return ++inos.next; /* the link becomes a copy: still a valid archive */
		inos.v = grown;
		inos.cap = cap;
	}
	inos.v[inos.len++] = (struct link_ino){st->st_dev, st->st_ino, ++inos.next};
	return inos.next;
}
static size_t walk_prefix;
static const char *walk_tree;

/* With dedup: per tree entry, the entry whose inode it shares and how many
 * share it (dedup.h), and the archive inode given to each leader. Regular
 * files then never go through the link resolver: the leader, first in path
 * order, carries the data, which the kernel's unpacker (and cpio, and
 * libarchive) accept as well as the data on the last name. */
static struct {
	bool on;
	struct dedup_file *files;
	size_t *leader, *members;
	int64_t *ino;
} plan;

/* The inode number and link count an entry gets in the archive. */
static void archive_identity(struct archive_entry *e, const struct stat *st, size_t t)
{
	if (!plan.on || !S_ISREG(st->st_mode)) {
		archive_entry_set_ino64(e, archive_ino(st));
		return;
	}
	size_t first = plan.leader[t];
	if (first == t)
		plan.ino[t] = ++inos.next;
	archive_entry_set_ino64(e, plan.ino[first]);
	archive_entry_set_nlink(e, (unsigned)plan.members[t]);
}

/* Bytes of file data: all of them, and written so far (for progress). */
static struct {
	bool on;
	int64_t total, done;
	int shown; /* last percentage printed */
} bytes;

static void account(int64_t n)
{
	bytes.done += n;
	if (!bytes.on || bytes.total <= 0)
		return;
	int pct = (int)(bytes.done * 100 / bytes.total);
	if (pct >= bytes.shown + 20) {
		bytes.shown = pct - pct % 20;
		log_msg_as(LOG_INFO, "initramfs", "%d%% (%lld/%lld MB)", bytes.shown,
			   (long long)(bytes.done >> 20), (long long)(bytes.total >> 20));
	}
}

static int collect(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)flag, (void)ftw;
	if (S_ISREG(st->st_mode))
		bytes.total += st->st_size;
	if (walk_entries.len == walk_entries.cap) {
		size_t cap = walk_entries.cap ? walk_entries.cap * 2 : 1024;
		char **grown = realloc(walk_entries.paths, cap * sizeof *grown);
		if (!grown)
			return -1;
		walk_entries.paths = grown;
		walk_entries.cap = cap;
	}
	const char *rel = path + walk_prefix;
	while (*rel == '/')
		rel++;
	if (!*rel)
		return 0; /* the root itself */
	if (!(walk_entries.paths[walk_entries.len++] = strdup(rel)))
		return -1;
	return 0;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int initramfs_compression_parse(const char *name)
{
	static const char *names[] = {"none", "gzip", "zstd", "lz4"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

static int set_filter(struct archive *a, enum initramfs_compression c)
{
	switch (c) {
	case COMPRESS_NONE:
		return ARCHIVE_OK;
	case COMPRESS_GZIP:
		/* No name or timestamp in the gzip header: same input, same bytes. */
		if (archive_write_add_filter_gzip(a) != ARCHIVE_OK)
			return ARCHIVE_FATAL;
		return archive_write_set_filter_option(a, "gzip", "timestamp", NULL);
	case COMPRESS_ZSTD:
		return archive_write_add_filter_zstd(a);
	case COMPRESS_LZ4:
		/* The kernel reads only the legacy lz4 format, which libarchive's
		 * own lz4 writer cannot produce: lz4(1) -l can. */
		return archive_write_add_filter_program(a, "lz4 -l -9 -q -c");
	}
	return ARCHIVE_FATAL;
}

static int load_overrides(const char *path, struct override **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	if (!path)
		return 0;
	FILE *f = fopen(path, "re");
	if (!f) {
		log_msg_as(LOG_ERR, "initramfs", "cannot read overrides %s: %s", path,
			   strerror(errno));
		return -1;
	}
	char line[700];
	size_t cap = 0;
	int lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		struct override o = {0};
		int n = sscanf(line, "%3s %511s", o.kind, o.path);
		int ok = n == 2;
		if (ok && strcmp(o.kind, "nod") == 0)
			ok = sscanf(line, "%*s %*s %o %u %u %c %u %u", &o.mode, &o.uid, &o.gid,
				    &o.type, &o.major, &o.minor) == 6 &&
			     (o.type == 'c' || o.type == 'b');
		else if (ok && strcmp(o.kind, "dir") == 0)
			ok = sscanf(line, "%*s %*s %o %u %u", &o.mode, &o.uid, &o.gid) == 3;
		else if (ok && strcmp(o.kind, "own") == 0) {
			o.mode = ~0u; /* keep the tree's mode unless a fifth field says */
			ok = sscanf(line, "%*s %*s %u %u %o", &o.uid, &o.gid, &o.mode) >= 2;
		} else
			ok = 0;
		if (!ok) {
			log_msg_as(LOG_ERR, "initramfs",
				   "%s:%d: bad line; expected nod/dir/own as documented", path,
				   lineno);
			fclose(f);
			free(*out);
			return -1;
		}
		if (*count == cap) {
			cap = cap ? cap * 2 : 64;
			struct override *grown = realloc(*out, cap * sizeof *grown);
			if (!grown) {
				fclose(f);
				free(*out);
				return -1;
			}
			*out = grown;
		}
		(*out)[(*count)++] = o;
	}
	fclose(f);
	return 0;
}

static int write_data(struct archive *a, const char *path, const char *rel)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		log_msg_as(LOG_ERR, "initramfs", "cannot read %s: %s", rel, strerror(errno));
		return -1;
	}
	char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0 && (account(n), 1))
		if (archive_write_data(a, buf, (size_t)n) != n) {
			log_msg_as(LOG_ERR, "initramfs", "writing %s: %s", rel,
				   archive_error_string(a));
			close(fd);
			return -1;
		}
	close(fd);
	return n < 0 ? -1 : 0;
}

/* Write an entry the link resolver released; its data, if it carries
 * any, comes from the tree under its own name. Frees it. */
static int emit(struct archive *a, const char *tree, struct archive_entry *e)
{
	if (!e)
		return 0;
	const char *rel = archive_entry_pathname(e);
	int rc = 0;
	if (archive_write_header(a, e) != ARCHIVE_OK) {
		log_msg_as(LOG_ERR, "initramfs", "%s: %s", rel, archive_error_string(a));
		rc = -1;
	} else if (archive_entry_filetype(e) == AE_IFREG && archive_entry_size(e) > 0) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", tree, rel);
		rc = write_data(a, path, rel);
	}
	archive_entry_free(e);
	return rc;
}

/* The path of tree entry t under tree, in path, and its lstat; -1 after
 * one line naming the entry. */
static int stat_tree_entry(const char *tree, size_t t, char *path, size_t len, struct stat *st)
{
	const char *rel = walk_entries.paths[t];
	snprintf(path, len, "%s/%s", tree, rel);
	if (lstat(path, st) < 0) {
		log_msg_as(LOG_ERR, "initramfs", "%s: %s", rel, strerror(errno));
		return -1;
	}
	return 0;
}

/* A tree entry, with the owner and mode of the override for the same path
 * (own or dir) when there is one. */
static int add_tree_entry(struct archive *a, struct archive_entry_linkresolver *links,
			  const char *tree, size_t t, const struct override *owner, int64_t epoch)
{
	const char *rel = walk_entries.paths[t];
	char path[4096];
	struct stat st;
	if (stat_tree_entry(tree, t, path, sizeof path, &st) < 0)
		return -1;
	struct archive_entry *e = archive_entry_new();
	archive_entry_copy_stat(e, &st);
	archive_entry_set_dev(e, 0);
	archive_identity(e, &st, t);
	archive_entry_set_pathname(e, rel);
	archive_entry_set_mtime(e, epoch, 0);
	archive_entry_unset_atime(e);
	archive_entry_unset_ctime(e);
	if (owner && owner->mode != ~0u)
		archive_entry_set_perm(e, owner->mode & 07777);
	archive_entry_set_uid(e, owner ? owner->uid : 0);
	archive_entry_set_gid(e, owner ? owner->gid : 0);
	archive_entry_set_uname(e, NULL);
	archive_entry_set_gname(e, NULL);
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlink(path, target, sizeof target - 1);
		if (n < 0) {
			archive_entry_free(e);
			return -1;
		}
		target[n] = '\0';
		archive_entry_set_symlink(e, target);
	}
	if (plan.on && S_ISREG(st.st_mode)) {
		/* Linked by content: the data goes with the first name, the
		 * others are headers, so the archive stays in path order. */
		if (plan.leader[t] != t)
			archive_entry_set_size(e, 0);
		return emit(a, tree, e);
	}
	struct archive_entry *deferred = NULL;
	archive_entry_linkify(links, &e, &deferred);
	int rc = emit(a, tree, e);
	if (rc == 0)
		rc = emit(a, tree, deferred);
	return rc;
}

/* Hard links the resolver still holds (links outside the tree, or the
 * last one it deferred to carry the data). */
static int flush_links(struct archive *a, struct archive_entry_linkresolver *links,
		       const char *tree)
{
	for (;;) {
		struct archive_entry *e = NULL, *deferred = NULL;
		archive_entry_linkify(links, &e, &deferred);
		if (!e)
			return 0;
		if (emit(a, tree, e) < 0)
			return -1;
	}
}

static int add_override_entry(struct archive *a, const struct override *o, int64_t epoch)
{
	if (strcmp(o->kind, "own") == 0)
		return 0;
	struct archive_entry *e = archive_entry_new();
	const char *rel = o->path;
	while (*rel == '/')
		rel++;
	archive_entry_set_pathname(e, rel);
	archive_entry_set_ino64(e, ++inos.next);
	archive_entry_set_mtime(e, epoch, 0);
	archive_entry_set_uid(e, o->uid);
	archive_entry_set_gid(e, o->gid);
	archive_entry_set_nlink(e, strcmp(o->kind, "dir") == 0 ? 2 : 1);
	archive_entry_set_size(e, 0);
	if (strcmp(o->kind, "dir") == 0) {
		archive_entry_set_mode(e, S_IFDIR | (o->mode & 07777));
	} else {
		archive_entry_set_mode(e, (o->type == 'c' ? S_IFCHR : S_IFBLK) | (o->mode & 07777));
		archive_entry_set_rdev(e, makedev(o->major, o->minor));
	}
	int rc = archive_write_header(a, e) == ARCHIVE_OK ? 0 : -1;
	if (rc)
		log_msg_as(LOG_ERR, "initramfs", "%s: %s", rel, archive_error_string(a));
	archive_entry_free(e);
	return rc;
}

static const char *relative(const char *path)
{
	while (*path == '/')
		path++;
	return path;
}

static int override_order(const void *a, const void *b)
{
	return strcmp(relative(((const struct override *)a)->path),
		      relative(((const struct override *)b)->path));
}

/* One pass over tree entries and overrides in one sorted stream, so a
 * parent directory always comes before what it holds, whichever side it
 * comes from: a tree entry (with the own/dir override of its path, if any)
 * or an override alone. A nod override replaces the tree entry of its path. */
struct visitor {
	int (*tree)(struct visitor *v, size_t t, const struct override *owner);
	int (*override)(struct visitor *v, const struct override *o);
};

static int walk_merged(struct visitor *v, const struct override *ov, size_t nov)
{
	size_t t = 0, o = 0;
	while (t < walk_entries.len || o < nov) {
		const char *tp = t < walk_entries.len ? walk_entries.paths[t] : NULL;
		const char *op = o < nov ? relative(ov[o].path) : NULL;
		int cmp = !tp ? 1 : !op ? -1 : strcmp(tp, op);
		int rc;
		if (cmp < 0) {
			rc = v->tree(v, t, NULL);
			t++;
		} else if (cmp > 0) {
			rc = v->override(v, &ov[o]);
			o++;
		} else if (strcmp(ov[o].kind, "nod") == 0) {
			rc = v->override(v, &ov[o]);
			t++, o++;
		} else {
			rc = v->tree(v, t, &ov[o]);
			t++, o++;
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Planning: what each regular file will be in the archive. */
static int plan_tree(struct visitor *v, size_t t, const struct override *owner)
{
	(void)v;
	const char *rel = walk_entries.paths[t];
	char path[4096];
	struct stat st;
	if (stat_tree_entry(walk_tree, t, path, sizeof path, &st) < 0)
		return -1;
	if (!S_ISREG(st.st_mode))
		return 0; /* size 0: never linked */
	plan.files[t] = (struct dedup_file){
	    .rel = rel,
	    .size = st.st_size,
	    .mode = owner && owner->mode != ~0u ? owner->mode & 07777 : st.st_mode & 07777,
	    .uid = owner ? owner->uid : 0,
	    .gid = owner ? owner->gid : 0,
	};
	return 0;
}

static int plan_override(struct visitor *v, const struct override *o)
{
	(void)v, (void)o;
	return 0;
}

static int plan_links(const struct override *ov, size_t nov)
{
	size_t n = walk_entries.len ? walk_entries.len : 1;
	plan.files = calloc(n, sizeof *plan.files);
	plan.leader = calloc(n, sizeof *plan.leader);
	plan.members = calloc(n, sizeof *plan.members);
	plan.ino = calloc(n, sizeof *plan.ino);
	if (!plan.files || !plan.leader || !plan.members || !plan.ino) {
		log_msg_as(LOG_ERR, "initramfs", "out of memory planning hard links");
		return -1;
	}
	struct visitor v = {plan_tree, plan_override};
	if (walk_merged(&v, ov, nov) < 0 ||
	    dedup_find(walk_tree, plan.files, walk_entries.len, plan.leader, plan.members) < 0)
		return -1;
	/* A linked file's data is written once, for progress too. */
	for (size_t t = 0; t < walk_entries.len; t++)
		if (plan.leader[t] != t)
			bytes.total -= plan.files[t].size;
	return 0;
}

static void plan_free(void)
{
	free(plan.files);
	free(plan.leader);
	free(plan.members);
	free(plan.ino);
	memset(&plan, 0, sizeof plan);
}

/* Writing: each entry in the archive. */
struct writer {
	struct visitor v;
	struct archive *a;
	struct archive_entry_linkresolver *links;
	int64_t epoch;
};

static int write_tree(struct visitor *v, size_t t, const struct override *owner)
{
	struct writer *w = (struct writer *)v;
	return add_tree_entry(w->a, w->links, walk_tree, t, owner, w->epoch);
}

static int write_override(struct visitor *v, const struct override *o)
{
	struct writer *w = (struct writer *)v;
	if (strcmp(o->kind, "own") == 0)
		log_msg_as(LOG_WARN, "initramfs", "own %s: no such entry in %s", relative(o->path),
			   walk_tree);
	return add_override_entry(w->a, o, w->epoch);
}

int initramfs_write(const char *tree, const char *overrides_path, const char *out,
		    const struct initramfs_opts *opts)
{
	struct override *ov;
	size_t nov;
	if (load_overrides(overrides_path, &ov, &nov) < 0)
		return -1;
	walk_entries = (struct entries){0};
	bytes.on = opts->progress;
	bytes.total = bytes.done = 0;
	bytes.shown = 0;
	free(inos.v);
	inos.v = NULL;
	inos.len = inos.cap = 0;
	inos.next = 0;
	walk_prefix = strlen(tree);
	walk_tree = tree;
	if (nftw(tree, collect, 64, FTW_PHYS) != 0) {
		log_msg_as(LOG_ERR, "initramfs", "cannot walk %s: %s", tree, strerror(errno));
		free(ov);
		return -1;
	}
	qsort(walk_entries.paths, walk_entries.len, sizeof *walk_entries.paths, by_path);

	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	struct archive *a = archive_write_new();
	struct archive_entry_linkresolver *links = archive_entry_linkresolver_new();
	archive_entry_linkresolver_set_strategy(links, ARCHIVE_FORMAT_CPIO_SVR4_NOCRC);
	int rc = -1;
	if (archive_write_set_format_cpio_newc(a) != ARCHIVE_OK ||
	    set_filter(a, opts->compression) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_filename(a, tmp) != ARCHIVE_OK) {
		log_msg_as(LOG_ERR, "initramfs", "cannot create %s: %s", tmp,
			   archive_error_string(a));
		goto done;
	}
	qsort(ov, nov, sizeof *ov, override_order);
	plan.on = opts->dedup;
	if (plan.on && plan_links(ov, nov) < 0)
		goto done;
	struct writer w = {{write_tree, write_override}, a, links, opts->epoch};
	if (walk_merged(&w.v, ov, nov) < 0 || flush_links(a, links, tree) < 0)
		goto done;
	if (archive_write_close(a) != ARCHIVE_OK) {
		log_msg_as(LOG_ERR, "initramfs", "finishing %s: %s", tmp, archive_error_string(a));
		goto done;
	}
	if (rename(tmp, out) < 0) {
		log_msg_as(LOG_ERR, "initramfs", "rename to %s: %s", out, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	if (rc)
		unlink(tmp);
	archive_write_free(a);
	archive_entry_linkresolver_free(links);
	plan_free();
	for (size_t i = 0; i < walk_entries.len; i++)
		free(walk_entries.paths[i]);
	free(walk_entries.paths);
	free(ov);
	return rc;
}
