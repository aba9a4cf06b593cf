#include "supervisor/svcconf.h"

#include "hostlib/settings.h"
#include "schema/schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool service_name_valid(const char *name)
{
	return schema_name_valid(name);
}

/* The table's values for a service, over what the table leaves to the
 * supervisor (the first backoff delay). */
static void take(struct svcconf *c, const struct bundle_settings *s)
{
	if (restart_mode_parse(s->restart, &c->restart.mode) < 0)
		c->restart.mode = RESTART_ALWAYS; /* the table allows no other */
	c->ready = strcmp(s->ready, "notify") == 0 ? READY_NOTIFY : READY_RUNNING;
	c->timeout_s = (int)s->timeout_s;
	c->grace_s = (int)s->grace_s;
	c->optional = s->optional;
	c->binds_state = s->binds_state;
	c->console = s->console;
	c->pids = s->pids;
	c->restart.limit = (int)s->restart_limit;
	c->restart.window_ms = (int)s->restart_window_s * 1000;
	c->restart.max_ms = (int)s->backoff_max_s * 1000;
}

void svcconf_defaults(struct svcconf *c)
{
	memset(c, 0, sizeof *c);
	struct restart_policy p = RESTART_POLICY_DEFAULT;
	c->restart = p;
	struct bundle_settings s;
	bundle_settings_defaults(&s, SCHEMA_SERVICE);
	take(c, &s);
}

void svcconf_free(struct svcconf *c)
{
	for (size_t i = 0; i < c->n_depends; i++)
		free(c->depends_on[i]);
	free(c->depends_on);
	c->depends_on = NULL;
	c->n_depends = 0;
}

static int copy_depends(const struct bundle_settings *s, struct svcconf *c)
{
	c->depends_on = calloc(s->n_depends + 1, sizeof *c->depends_on);
	if (!c->depends_on)
		return -1;
	for (size_t i = 0; i < s->n_depends; i++) {
		if (!(c->depends_on[i] = strdup(s->depends_on[i])))
			return -1;
		c->n_depends++;
	}
	return 0;
}

int svcconf_parse(const char *json, size_t len, const char *source, struct svcconf *c, char *err,
		  size_t errlen)
{
	struct bundle_settings s;
	char why[512];
	if (bundle_settings_parse(json, len, SCHEMA_SERVICE, &s, why, sizeof why) < 0) {
		snprintf(err, errlen, "%s: %s", source, why);
		return -1;
	}
	take(c, &s);
	int rc = copy_depends(&s, c);
	bundle_settings_free(&s);
	if (rc < 0)
		snprintf(err, errlen, "%s: depends_on: does not fit in memory", source);
	return rc;
}

int svcconf_load(const char *path, struct svcconf *c, char *err, size_t errlen)
{
	svcconf_defaults(c);
	FILE *f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s: make it readable or remove it", path,
			 strerror(errno));
		return -1;
	}
	char buf[65536];
	size_t n = fread(buf, 1, sizeof buf, f);
	int read_error = ferror(f);
	fclose(f);
	if (read_error || n == sizeof buf) {
		snprintf(err, errlen, "%s: %s: keep it under 64 KiB and readable", path,
			 read_error ? "read error" : "too large");
		return -1;
	}
	return svcconf_parse(buf, n, path, c, err, errlen);
}
