#include "metadata/userdata.h"

#include "lib/log.h"
#include "metadata/limits.h"
#include "metadata/validate.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* The walk's context: what is left of the caps, and where the paths that
 * stele owns go instead of the plan. */
struct tree_walk {
	size_t entries;
	size_t bytes;
	struct plan *plan;
	struct hostconf *hc;
};

static void reject_key(const char *parent, const char *key, const char *reason)
{
	char shown[96];
	log_err("userdata key \"%s%s%s\" rejected: %s; nothing written for it", parent,
		*parent ? "/" : "", printable(key, shown, sizeof shown), reason);
}

static int take_ssh_keys(struct hostconf *hc, const char *text, size_t len)
{
	return hostconf_add_ssh_keys(hc, text, len, "userdata ssh/authorized_keys");
}

static int take_root_hash(struct hostconf *hc, const char *text, size_t len)
{
	char hash[sizeof hc->root_hash];
	size_t n = strcspn(text, "\n");
	if (n != len && n + 1 != len) { /* one line, with or without its newline */
		log_err("userdata getty/root_password_hash rejected: one line expected; nothing "
			"written for it");
		return -1;
	}
	snprintf(hash, sizeof hash, "%.*s", (int)n, text);
	return hostconf_set_root_hash(hc, hash);
}

static int take_hostname(struct hostconf *hc, const char *text, size_t len)
{
	char name[sizeof hc->hostname + 1];
	snprintf(name, sizeof name, "%.*s", (int)strcspn(text, "\n"), text);
	(void)len;
	return hostconf_set_hostname(hc, name, HOSTNAME_USERDATA, "userdata hostname");
}

/* Paths under /run/config that stele writes itself from checked settings.
 * A tree entry there is never written as it is: a file whose meaning
 * LinuxKit users rely on (ssh/authorized_keys, the getty's password hash,
 * hostname) goes through the same check as stele's own key, and the rest is
 * refused with the key to use instead. A directory here only groups such
 * files: stele makes it, with its own mode. */
struct owned_path {
	const char *path;
	int (*take)(struct hostconf *hc, const char *content, size_t len);
	const char *refusal; /* when take is NULL */
};

static const struct owned_path owned_paths[] = {
    {"provider", NULL, "reserved name (stele writes it)"},
    {"userdata", NULL, "reserved name (stele writes it)"},
    {"hostname", take_hostname, NULL},
    {"ssh", NULL, NULL},
    {"ssh/authorized_keys", take_ssh_keys, NULL},
    {"getty", NULL, NULL},
    {"getty/root_password_hash", take_root_hash, NULL},
    {"sysctl.conf", NULL, "reserved name (stele writes it): use stele.sysctl"},
    {"services", NULL, "reserved name (stele writes it): use stele.services"},
    {"network", NULL, "reserved name (stele writes it): use stele.network"},
    {"network-config", NULL, "reserved name (stele writes it from the NoCloud drive)"},
    {"meta-data", NULL, "reserved name (stele writes it from the metadata service)"},
};

static const struct owned_path *owned(const char *path)
{
	for (size_t i = 0; i < sizeof owned_paths / sizeof owned_paths[0]; i++)
		if (strcmp(owned_paths[i].path, path) == 0)
			return &owned_paths[i];
	return NULL;
}

/* Under a directory stele owns, only the files it owns may appear. */
static bool under_owned_dir(const char *parent)
{
	const struct owned_path *o = *parent ? owned(parent) : NULL;
	return o && !o->take && !o->refusal;
}

static const char *check_tree_fields(json_t *value)
{
	if (!json_is_object(value))
		return "an entry must be an object with \"perm\" and \"content\" or \"entries\"";
	const char *field;
	json_t *v;
	json_object_foreach(value, field, v)
	{
		if (strcmp(field, "perm") && strcmp(field, "content") && strcmp(field, "entries"))
			return "unknown field (only perm, content, entries)";
	}
	json_t *content = json_object_get(value, "content");
	json_t *entries = json_object_get(value, "entries");
	if (content && entries)
		return "both \"content\" and \"entries\"";
	if (content && !json_is_string(content))
		return "\"content\" must be a string";
	if (entries && !json_is_object(entries))
		return "\"entries\" must be an object";
	json_t *perm = json_object_get(value, "perm");
	if (perm && !json_is_string(perm))
		return "\"perm\" must be a string of octal digits, like \"0644\"";
	return NULL;
}

static void plan_tree(const char *parent, json_t *object, int depth, struct tree_walk *walk);

static void plan_tree_entry(const char *parent, const char *key, json_t *value, int depth,
			    struct tree_walk *walk)
{
	const char *bad = check_name(key);
	if (!bad)
		bad = check_tree_fields(value);
	if (!bad && depth > TREE_DEPTH_MAX)
		bad = "nested deeper than 8 levels";
	if (!bad && walk->entries >= TREE_ENTRIES_MAX)
		bad = "more than 256 files and directories";
	json_t *content = json_object_get(value, "content");
	json_t *perm = json_object_get(value, "perm");
	size_t len = content ? json_string_length(content) : 0;
	if (!bad && walk->bytes + len > TREE_BYTES_MAX)
		bad = "contents above 1 MiB in total";
	mode_t mode = content ? 0644 : 0755;
	if (!bad && perm)
		bad = parse_perm(json_string_value(perm), &mode);
	if (bad) {
		reject_key(parent, key, bad);
		return;
	}
	char path[4096];
	int n = snprintf(path, sizeof path, "%s%s%s", parent, *parent ? "/" : "", key);
	if (n < 0 || (size_t)n >= sizeof path) {
		reject_key(parent, key, "path too long");
		return;
	}
	const struct owned_path *o = owned(path);
	if (!o && under_owned_dir(parent)) {
		reject_key(parent, key,
			   "stele owns this directory: only the files it reads may "
			   "be given here");
		return;
	}
	if (o && o->refusal) {
		reject_key(parent, key, o->refusal);
		return;
	}
	if (o && o->take && !content) {
		reject_key(parent, key, "must be a file with \"content\"");
		return;
	}
	walk->entries++;
	walk->bytes += len;
	if (o && o->take) { /* the setter logs its own one-line refusal */
		o->take(walk->hc, json_string_value(content), len);
		return;
	}
	int r = 0;
	if (!o)
		r = content ? plan_add_file(walk->plan, path, mode, json_string_value(content), len)
			    : plan_add_dir(walk->plan, path, mode);
	if (r < 0) {
		reject_key(parent, key, "cannot be planned (out of memory)");
		return;
	}
	json_t *entries = json_object_get(value, "entries");
	if (entries)
		plan_tree(path, entries, depth + 1, walk);
}

static void plan_tree(const char *parent, json_t *object, int depth, struct tree_walk *walk)
{
	const char *key;
	json_t *value;
	json_object_foreach(object, key, value)
	{
		if (depth == 1 && strcmp(key, "stele") == 0)
			continue;
		plan_tree_entry(parent, key, value, depth, walk);
	}
}

/* stele's own keys. Every value is checked by its hostconf setter. */

static void stele_bad(const char *key, const char *reason)
{
	log_err("userdata stele.%s rejected: %s", key, reason);
}

static void stele_sysctl(struct hostconf *hc, json_t *value)
{
	if (!json_is_object(value)) {
		stele_bad("sysctl", "must be an object {\"net.ipv4.ip_forward\": \"1\"}");
		return;
	}
	const char *key;
	json_t *v;
	json_object_foreach(value, key, v)
	{
		char number[32];
		const char *text = json_string_value(v);
		if (json_is_integer(v)) {
			snprintf(number, sizeof number, "%lld", (long long)json_integer_value(v));
			text = number;
		}
		if (!text)
			stele_bad("sysctl", "values must be strings or integers");
		else
			hostconf_add_sysctl(hc, key, text);
	}
}

static void stele_ssh(struct hostconf *hc, json_t *value)
{
	size_t i;
	json_t *v;
	if (!json_is_array(value)) {
		stele_bad("ssh_authorized_keys", "must be an array of strings");
		return;
	}
	json_array_foreach(value, i, v)
	{
		if (json_is_string(v))
			hostconf_add_ssh_keys(hc, json_string_value(v), json_string_length(v),
					      "stele.ssh_authorized_keys");
		else
			stele_bad("ssh_authorized_keys", "must be an array of strings");
	}
}

static void stele_services(struct hostconf *hc, json_t *value)
{
	if (!json_is_object(value)) {
		stele_bad("services", "must be an object {\"NAME\": \"enable\"|\"disable\"}");
		return;
	}
	const char *name;
	json_t *v;
	json_object_foreach(value, name, v)
	{
		const char *s = json_string_value(v);
		if (s && strcmp(s, "enable") == 0)
			hostconf_set_service(hc, name, true);
		else if (s && strcmp(s, "disable") == 0)
			hostconf_set_service(hc, name, false);
		else
			stele_bad("services", "each value must be \"enable\" or \"disable\"");
	}
}

static void stele_network(struct hostconf *hc, json_t *value)
{
	if (!json_is_object(value)) {
		stele_bad("network", "must be an object {interface, address, gateway, dns}");
		return;
	}
	const char *key;
	json_t *v;
	json_object_foreach(value, key, v)
	{
		if (strcmp(key, "dns") == 0) {
			size_t i;
			json_t *server;
			if (!json_is_array(v))
				stele_bad("network.dns", "must be an array of addresses");
			json_array_foreach(v, i, server)
			{
				if (json_is_string(server))
					hostconf_add_dns(hc, json_string_value(server));
				else
					stele_bad("network.dns", "must be an array of addresses");
			}
		} else if (json_is_string(v)) {
			hostconf_set_network(hc, key, json_string_value(v));
		} else {
			stele_bad("network", "values must be strings (dns: an array)");
		}
	}
}

static void stele_keys(struct hostconf *hc, json_t *stele)
{
	if (!json_is_object(stele)) {
		stele_bad("", "\"stele\" must be an object");
		return;
	}
	const char *key;
	json_t *value;
	json_object_foreach(stele, key, value)
	{
		if (strcmp(key, "hostname") == 0 && json_is_string(value))
			hostconf_set_hostname(hc, json_string_value(value), HOSTNAME_USERDATA,
					      "userdata stele.hostname");
		else if (strcmp(key, "root_password_hash") == 0 && json_is_string(value))
			hostconf_set_root_hash(hc, json_string_value(value));
		else if (strcmp(key, "sysctl") == 0)
			stele_sysctl(hc, value);
		else if (strcmp(key, "ssh_authorized_keys") == 0)
			stele_ssh(hc, value);
		else if (strcmp(key, "services") == 0)
			stele_services(hc, value);
		else if (strcmp(key, "network") == 0)
			stele_network(hc, value);
		else if (strcmp(key, "update") == 0 && json_is_object(value))
			; /* stelectl update --boot reads it from the raw userdata */
		else
			stele_bad(key, "unknown key or wrong type (see metadata/README.md)");
	}
}

static const char *first_text(const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\r\n", data[i]))
			return data + i;
	return NULL;
}

bool userdata_parse(const char *data, size_t len, struct plan *p, struct hostconf *hc)
{
	if (len == 0)
		return false;
	if (len > USERDATA_PARSE_MAX) {
		log_err("userdata: %zu bytes, above the 2 MiB parse limit; kept raw, not parsed",
			len);
		return false;
	}
	if (!utf8_valid(data, len)) {
		log_err("userdata: not valid UTF-8; kept raw, not parsed");
		return false;
	}
	const char *start = first_text(data, len);
	if (!start || *start != '{') {
		log_warn("userdata: not a JSON object (a script or cloud-config?); kept raw only");
		return false;
	}
	json_error_t error;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &error);
	if (!root) {
		log_err("userdata: invalid JSON at line %d column %d: %s; kept raw, not parsed",
			error.line, error.column, error.text);
		return false;
	}
	if (!json_is_object(root)) {
		log_err("userdata: JSON but not an object; kept raw, not parsed");
		json_decref(root);
		return false;
	}
	struct tree_walk walk = {.plan = p, .hc = hc};
	plan_tree("", root, 1, &walk);
	json_t *stele = json_object_get(root, "stele");
	if (stele)
		stele_keys(hc, stele);
	json_decref(root);
	return true;
}
