/* schema: stele's YAML (LinuxKit's, plus stele's own fields), checked.
 *
 * Contract: schema_load() reads FILE, checks every key and type against
 * the tables in schema.c (LinuxKit's container keys, files, kernel) and
 * schema/schema.h (stele.json's keys, with the parser stele-onboot and
 * the supervisor use, hostlib/settings.h; the state: mapping as init
 * reads it from init.conf), capability names (libcap), syscall names
 * (libseccomp), container names, duplicate service names,
 * depends_on targets and dependency cycles. Each mistake is one line
 * "FILE:LINE: KEY: what is expected"; all are printed. Returns 0 with
 * cfg->root holding the file as JSON (containers and the top level keep a
 * "//lines" member), or -1. Whether images exist is checked by the
 * builder, which resolves them. */
#ifndef STELE_CONFIG_SCHEMA_H
#define STELE_CONFIG_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct config {
	char file[4096];
	char name[256]; /* the file's base name without .yml: the image's name */
	json_t *root;
	int errors; /* schema_load_files: how many were reported */
};

int schema_load(const char *file, struct config *cfg);
/* Several files merged as LinuxKit's AppendConfig merges them (kernel keys
 * of a later file win, init and the lists are appended); relative paths
 * stay relative to their own file, messages name it. The name is the
 * first file's. Returns -1 when a file cannot be read or parsed at all;
 * otherwise 0 with cfg->errors the count of schema errors reported, so
 * that the caller can report the image, kernel and init ones with them
 * before it stops. */
int schema_load_files(const char *const *files, size_t n, struct config *cfg);
/* volumes: the entry called name, or NULL. */
const json_t *schema_volume(const struct config *cfg, const char *name);
/* A bind naming a volume (a source without '/'): NULL when fine, else
 * out, the words for what is wrong (no such volume; a read-only one bound
 * without :ro). */
const char *schema_bind_volume_problem(const struct config *cfg, const char *bind, char *out,
				       size_t len);
/* The file obj came from (an entry of a later file names its own). */
const char *schema_file_of(const struct config *cfg, const json_t *obj);
void schema_free(struct config *cfg);

/* The sections that hold containers, in boot order. */
extern const char *const schema_sections[3];
/* SCHEMA_SERVICE for services, SCHEMA_ONBOOT for onboot and onshutdown. */
unsigned schema_section_kind(size_t section);

/* Print "FILE:LINE: KEY: message" for errors found after loading. */
void schema_error(const struct config *cfg, const json_t *obj, const char *key, const char *fmt,
		  ...) __attribute__((format(printf, 4, 5)));

#endif
