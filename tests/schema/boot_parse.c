/* schema-boot: the boot-time parsers, run on the host against what the
 * builder wrote (or would write), for the schema property test.
 *
 *   schema-boot json onboot|service FILE  FILE as stele.json: stele-onboot's
 *                                         parser, or the supervisor's (its
 *                                         bundle loader's and its host-side
 *                                         preparation's)
 *   schema-boot conf FILE                 FILE as init.conf: init's parser,
 *                                         then the state volume's keys
 *   schema-boot name onboot|service NAME  NAME as a bundle directory's name
 *   schema-boot tree DIR                  all of it on a built tree
 *                                         (stele build --keep-tree)
 *
 * Exit 0 when every parser accepts, 1 when one refuses (its line on
 * stderr), 2 on usage. Nothing is run or mounted: parsing only. */
#include "boot/readfile.h"
#include "boot/settings.h"
#include "hostlib/settings.h"
#include "lib/log.h"
#include "onboot/bundle.h"
#include "schema/schema.h"
#include "state/config.h"
#include "supervisor/bundleparse.h"
#include "supervisor/svcconf.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int refuse(const char *what, const char *err)
{
	fprintf(stderr, "refused: %s: %s\n", what, err);
	return 1;
}

static int onboot_json(const char *path)
{
	struct bundle_settings s;
	char err[600];
	if (bundle_settings_load(path, SCHEMA_ONBOOT, &s, err, sizeof err) < 0)
		return refuse("stele-onboot", err);
	bundle_settings_free(&s);
	return 0;
}

static int service_json(const char *path)
{
	struct svcconf c;
	char err[600];
	int rc = svcconf_load(path, &c, err, sizeof err);
	svcconf_free(&c);
	if (rc < 0)
		return refuse("supervisor (bundle loader)", err);
	struct bundle_settings s;
	if (bundle_settings_load(path, SCHEMA_SERVICE, &s, err, sizeof err) < 0)
		return refuse("supervisor (host side)", err);
	bundle_settings_free(&s);
	return 0;
}

/* As init: the file's lines, then each state key of the table. */
static int conf(const char *path)
{
	char *text = read_file(path, 1 << 16, NULL);
	if (!text)
		return refuse(path, "cannot read it");
	struct settings s = {0};
	int bad = settings_parse_conf(&s, text, path);
	free(text);
	int rc = bad ? refuse(path, "a line init cannot read (above)") : 0;
	struct state_config cfg;
	state_config_defaults(&cfg);
	for (const struct schema_field *f = schema_state; f->key && !rc; f++) {
		const char *value = settings_get(&s, f->conf_key, NULL);
		char err[400];
		if (value && state_config_set(&cfg, f->conf_key, value, err, sizeof err) < 0)
			rc = refuse("init (state volume)", err);
	}
	settings_free(&s);
	return rc;
}

static int name(const char *kind, const char *n)
{
	char entry[300], out[BUNDLE_NAME_MAX];
	if (strcmp(kind, "service") == 0)
		return service_name_valid(n) ? 0 : refuse("supervisor", "not a valid service name");
	snprintf(entry, sizeof entry, "000-%s", n);
	return bundle_name(entry, out, sizeof out) == 0 ? 0
							: refuse("stele-onboot", "bad bundle name");
}

static int onboot_tree(const char *dir)
{
	struct bundle *list;
	int n = bundles_list(dir, &list);
	int rc = n < 0;
	for (int i = 0; i < n; i++) {
		char err[600], path[PATH_MAX + 16];
		if (bundle_check(&list[i], err, sizeof err) < 0) {
			rc = refuse("stele-onboot", err);
			continue;
		}
		snprintf(path, sizeof path, "%s/stele.json", list[i].dir);
		rc |= onboot_json(path);
	}
	free(list);
	return rc;
}

/* As the supervisor loads them: names, then every bundle in its parser
 * child (stele.json and config.json), then the host side's parse. */
static int services_tree(const char *dir)
{
	struct bundle_request req[64];
	char dirs[64][PATH_MAX], names[64][256];
	size_t n = 0;
	int rc = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) && n < 64) {
		if (e->d_name[0] == '.')
			continue;
		if (!service_name_valid(e->d_name)) {
			rc = refuse("supervisor", "a service directory name is not valid");
			continue;
		}
		snprintf(names[n], sizeof names[n], "%s", e->d_name);
		snprintf(dirs[n], sizeof dirs[n], "%s/%s", dir, e->d_name);
		req[n] = (struct bundle_request){
		    .dir = dirs[n], .name = names[n], .notify_dir = "/run/stele/notify/x"};
		n++;
	}
	if (d)
		closedir(d);
	struct parsed_bundle out[64];
	char err[BUNDLE_ERR_LEN];
	if (n && bundles_parse(req, n, "stele", "/var/lib", NULL, out, 30000, err, sizeof err) < 0)
		return refuse("supervisor (bundle loader)", err);
	for (size_t i = 0; i < n; i++) {
		if (!out[i].ok)
			rc = refuse("supervisor (bundle loader)", out[i].err);
		svcconf_free(&out[i].conf);
		free(out[i].spec);
		char path[PATH_MAX + 16];
		struct bundle_settings s;
		snprintf(path, sizeof path, "%s/stele.json", req[i].dir);
		if (bundle_settings_load(path, SCHEMA_SERVICE, &s, err, sizeof err) < 0)
			rc = refuse("supervisor (host side)", err);
		else
			bundle_settings_free(&s);
	}
	return rc;
}

static int tree(const char *root)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/etc/stele/init.conf", root);
	int rc = conf(path);
	snprintf(path, sizeof path, "%s/containers/onboot", root);
	rc |= onboot_tree(path);
	snprintf(path, sizeof path, "%s/containers/onshutdown", root);
	rc |= onboot_tree(path);
	snprintf(path, sizeof path, "%s/containers/services", root);
	rc |= services_tree(path);
	return rc;
}

int main(int argc, char **argv)
{
	log_init("schema-boot");
	log_set_kmsg(false);
	if (argc == 4 && strcmp(argv[1], "json") == 0 && strcmp(argv[2], "onboot") == 0)
		return onboot_json(argv[3]);
	if (argc == 4 && strcmp(argv[1], "json") == 0 && strcmp(argv[2], "service") == 0)
		return service_json(argv[3]);
	if (argc == 3 && strcmp(argv[1], "conf") == 0)
		return conf(argv[2]);
	if (argc == 4 && strcmp(argv[1], "name") == 0)
		return name(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "tree") == 0)
		return tree(argv[2]);
	fprintf(stderr, "usage: schema-boot json onboot|service FILE | conf FILE | "
			"name onboot|service NAME | tree DIR\n");
	return 2;
}
