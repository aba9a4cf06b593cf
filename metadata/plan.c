#include "metadata/plan.h"

#include "metadata/validate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Every component of a relative path must be a valid name. */
static int path_checked(const char *path)
{
	char copy[4096];
	size_t len = strlen(path);
	if (len == 0 || len >= sizeof copy)
		return -1;
	memcpy(copy, path, len + 1);
	char *save = NULL;
	if (copy[0] == '/' || copy[len - 1] == '/' || strstr(copy, "//"))
		return -1;
	for (char *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save))
		if (check_name(part))
			return -1;
	return 0;
}

static struct entry *plan_push(struct plan *p, const char *path)
{
	if (path_checked(path) < 0) {
		errno = EINVAL;
		return NULL;
	}
	if (p->count == p->alloc) {
		size_t alloc = p->alloc ? p->alloc * 2 : 16;
		struct entry *grown = realloc(p->entries, alloc * sizeof *grown);
		if (!grown)
			return NULL;
		p->entries = grown;
		p->alloc = alloc;
	}
	struct entry *e = &p->entries[p->count];
	*e = (struct entry){.path = strdup(path)};
	if (!e->path)
		return NULL;
	p->count++;
	return e;
}

int plan_add_dir(struct plan *p, const char *path, mode_t mode)
{
	struct entry *e = plan_push(p, path);
	if (!e)
		return -1;
	e->kind = ENTRY_DIR;
	e->mode = mode;
	return 0;
}

int plan_add_file(struct plan *p, const char *path, mode_t mode, const void *data, size_t len)
{
	char *copy = malloc(len ? len : 1);
	if (!copy)
		return -1;
	if (len)
		memcpy(copy, data, len);
	struct entry *e = plan_push(p, path);
	if (!e) {
		free(copy);
		return -1;
	}
	e->kind = ENTRY_FILE;
	e->mode = mode;
	e->data = copy;
	e->len = len;
	return 0;
}

void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->count; i++) {
		free(p->entries[i].path);
		free(p->entries[i].data);
	}
	free(p->entries);
	*p = (struct plan)PLAN_INIT;
}
