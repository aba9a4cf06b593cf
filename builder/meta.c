#include "builder/meta.h"

#include "builder/fsutil.h"
#include "lib/log.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void drop(struct meta *m, size_t i)
{
	free(m->v[i].path);
	m->v[i] = m->v[--m->len];
}

static bool under(const char *path, const char *top)
{
	size_t n = strlen(top);
	return strncmp(path, top, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

void meta_forget(struct meta *m, const char *path)
{
	for (size_t i = 0; i < m->len;)
		if (under(m->v[i].path, path))
			drop(m, i);
		else
			i++;
}

const struct meta_entry *meta_find(const struct meta *m, const char *path)
{
	while (*path == '/')
		path++;
	for (size_t i = 0; i < m->len; i++)
		if (strcmp(m->v[i].path, path) == 0)
			return &m->v[i];
	return NULL;
}

void meta_forget_one(struct meta *m, const char *path)
{
	while (*path == '/')
		path++;
	for (size_t i = 0; i < m->len; i++)
		if (strcmp(m->v[i].path, path) == 0) {
			drop(m, i);
			return;
		}
}

static int add(struct meta *m, struct meta_entry e)
{
	while (*e.path == '/')
		e.path++;
	meta_forget_one(m, e.path);
	if (m->len == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct meta_entry *grown = realloc(m->v, cap * sizeof *grown);
		if (!grown)
			goto nomem;
		m->v = grown;
		m->cap = cap;
	}
	if (!(e.path = strdup(e.path)))
		goto nomem;
	m->v[m->len++] = e;
	return 0;
nomem:
	log_err("out of memory recording %s", e.path);
	return -1;
}

int meta_own(struct meta *m, const char *path, unsigned uid, unsigned gid, int mode)
{
	return add(m, (struct meta_entry){.path = (char *)path,
					  .kind = 'o',
					  .uid = uid,
					  .gid = gid,
					  .mode = mode < 0 ? ~0u : (unsigned)mode});
}

int meta_node(struct meta *m, const char *path, unsigned mode, unsigned uid, unsigned gid,
	      char type, unsigned major, unsigned minor)
{
	return add(m, (struct meta_entry){.path = (char *)path,
					  .kind = 'n',
					  .mode = mode,
					  .uid = uid,
					  .gid = gid,
					  .type = type,
					  .major = major,
					  .minor = minor});
}

int meta_dir(struct meta *m, const char *path, unsigned mode, unsigned uid, unsigned gid)
{
	return add(m, (struct meta_entry){
			  .path = (char *)path, .kind = 'd', .mode = mode, .uid = uid, .gid = gid});
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct meta_entry *)a)->path, ((const struct meta_entry *)b)->path);
}

int meta_write(struct meta *m, const char *file)
{
	qsort(m->v, m->len, sizeof *m->v, by_path);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f) {
		log_err("out of memory writing %s", file);
		return -1;
	}
	for (size_t i = 0; i < m->len; i++) {
		const struct meta_entry *e = &m->v[i];
		if (e->kind == 'n')
			fprintf(f, "nod /%s %04o %u %u %c %u %u\n", e->path, e->mode & 07777,
				e->uid, e->gid, e->type, e->major, e->minor);
		else if (e->kind == 'd')
			fprintf(f, "dir /%s %04o %u %u\n", e->path, e->mode & 07777, e->uid,
				e->gid);
		else if (e->mode == ~0u)
			fprintf(f, "own /%s %u %u\n", e->path, e->uid, e->gid);
		else
			fprintf(f, "own /%s %u %u %04o\n", e->path, e->uid, e->gid,
				e->mode & 07777);
	}
	if (fclose(f) != 0) {
		log_err("out of memory writing %s", file);
		free(buf);
		return -1;
	}
	int rc = write_file(file, buf, len, 0644);
	free(buf);
	return rc;
}

void meta_free(struct meta *m)
{
	for (size_t i = 0; i < m->len; i++)
		free(m->v[i].path);
	free(m->v);
	*m = (struct meta){0};
}
