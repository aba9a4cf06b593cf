#include "metadata/userdata.h"

#include "metadata/limits.h"
#include "lib/log.h"
#include "metadata/validate.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

struct tree_budget {
	size_t entries;
	size_t bytes;
};

static void reject_key(const char *parent, const char *key, const char *reason)
{
	char shown[96];
	log_err("userdata key \"%s%s%s\" rejected: %s; nothing written for it", parent,
		*parent ? "/" : "", printable(key, shown, sizeof shown), reason);
}

static const char *const reserved_names[] = {"provider", "userdata", NULL};

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

static void plan_tree(const char *parent, json_t *object, int depth, struct tree_budget *budget,
		      struct plan *p);

static void plan_tree_entry(const char *parent, const char *key, json_t *value, int depth,
			    struct tree_budget *budget, struct plan *p)
{
	const char *bad = check_name(key);
	if (!bad && depth == 1)
		for (const char *const *r = reserved_names; *r; r++)
			if (strcmp(key, *r) == 0)
				bad = "reserved name (stele writes it)";
	if (!bad)
		bad = check_tree_fields(value);
	if (!bad && depth > TREE_DEPTH_MAX)
		bad = "nested deeper than 8 levels";
	if (!bad && budget->entries >= TREE_ENTRIES_MAX)
		bad = "more than 256 files and directories";
	json_t *content = json_object_get(value, "content");
	json_t *perm = json_object_get(value, "perm");
	size_t len = content ? json_string_length(content) : 0;
	if (!bad && budget->bytes + len > TREE_BYTES_MAX)
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
	int r = content ? plan_add_file(p, path, mode, json_string_value(content), len)
			: plan_add_dir(p, path, mode);
	if (r < 0) {
		reject_key(parent, key, "cannot be planned (out of memory)");
		return;
	}
	budget->entries++;
	budget->bytes += len;
	json_t *entries = json_object_get(value, "entries");
	if (entries)
		plan_tree(path, entries, depth + 1, budget, p);
}

static void plan_tree(const char *parent, json_t *object, int depth, struct tree_budget *budget,
		      struct plan *p)
{
	const char *key;
	json_t *value;
	json_object_foreach(object, key, value)
	{
		if (depth == 1 && strcmp(key, "stele") == 0)
			continue;
		plan_tree_entry(parent, key, value, depth, budget, p);
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
	struct tree_budget budget = {0};
	plan_tree("", root, 1, &budget, p);
	json_t *stele = json_object_get(root, "stele");
	if (stele)
		stele_keys(hc, stele);
	json_decref(root);
	return true;
}
