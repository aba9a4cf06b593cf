#include "metadata/meta.h"

#include "lib/log.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static void meta_scalar(struct hostconf *hc, const char *key, const char *value, size_t len)
{
	hostconf_set_meta(hc, key, value, len);
	if (strcmp(key, "local-hostname") == 0 || strcmp(key, "hostname") == 0) {
		char name[80];
		snprintf(name, sizeof name, "%.*s", (int)(len < 79 ? len : 79), value);
		hostconf_set_hostname(hc, name, HOSTNAME_METADATA, "meta-data local-hostname");
	}
}

static void trim(const char **s, size_t *len)
{
	while (*len && strchr(" \t\r", **s))
		(*s)++, (*len)--;
	while (*len && strchr(" \t\r", (*s)[*len - 1]))
		(*len)--;
	if (*len >= 2 &&
	    ((**s == '"' && (*s)[*len - 1] == '"') || (**s == '\'' && (*s)[*len - 1] == '\''))) {
		(*s)++;
		*len -= 2;
	}
}

static json_t *meta_json_object(const char *data, size_t len, const char *what)
{
	json_error_t error;
	json_t *root = json_loadb(data, len, 0, &error);
	if (root && json_is_object(root))
		return root;
	log_err("%s: not a JSON object (line %d: %s); ignored", what, error.line,
		root ? "wrong type" : error.text);
	json_decref(root);
	return NULL;
}

static void nocloud_json(struct hostconf *hc, const char *data, size_t len)
{
	json_t *root = meta_json_object(data, len, "meta-data");
	if (!root)
		return;
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v)
	{
		if (json_is_string(v))
			meta_scalar(hc, key, json_string_value(v), json_string_length(v));
	}
	json_decref(root);
}

void meta_parse_nocloud(struct hostconf *hc, const char *data, size_t len)
{
	const char *end = data + len;
	while (data < end && strchr(" \t\r\n", *data))
		data++;
	if (data < end && *data == '{') {
		nocloud_json(hc, data, (size_t)(end - data));
		return;
	}
	bool in_keys = false;
	while (data < end) {
		const char *nl = memchr(data, '\n', (size_t)(end - data));
		const char *line = data;
		size_t n = (size_t)((nl ? nl : end) - line);
		data = nl ? nl + 1 : end;
		if (n == 0 || line[0] == '#' || line[0] == '\r' ||
		    memcmp(line, "---", n < 3 ? n : 3) == 0)
			continue;
		if (line[0] == ' ' || line[0] == '\t' || line[0] == '-') {
			trim(&line, &n);
			if (in_keys && n > 2 && line[0] == '-' && line[1] == ' ') {
				line += 2, n -= 2;
				trim(&line, &n);
				hostconf_add_ssh_keys(hc, line, n, "meta-data public-keys");
			}
			continue;
		}
		const char *colon = memchr(line, ':', n);
		if (!colon) {
			log_err("meta-data: line without \"key: value\" skipped");
			continue;
		}
		char key[256];
		size_t klen = (size_t)(colon - line);
		snprintf(key, sizeof key, "%.*s", (int)(klen < 255 ? klen : 255), line);
		const char *value = colon + 1;
		size_t vlen = n - klen - 1;
		trim(&value, &vlen);
		in_keys = strcmp(key, "public-keys") == 0;
		if (in_keys && vlen)
			hostconf_add_ssh_keys(hc, value, vlen, "meta-data public-keys");
		else if (!in_keys && vlen)
			meta_scalar(hc, key, value, vlen);
	}
}

void meta_parse_openstack(struct hostconf *hc, const char *data, size_t len)
{
	static const struct {
		const char *json, *meta;
	} keys[] = {{"uuid", "instance-id"},
		    {"hostname", "local-hostname"},
		    {"name", "name"},
		    {"availability_zone", "availability-zone"},
		    {"project_id", "project-id"}};
	json_t *root = meta_json_object(data, len, "openstack meta_data.json");
	if (!root)
		return;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		json_t *v = json_object_get(root, keys[i].json);
		if (json_is_string(v))
			meta_scalar(hc, keys[i].meta, json_string_value(v), json_string_length(v));
	}
	const char *name;
	json_t *key;
	json_object_foreach(json_object_get(root, "public_keys"), name, key)
	{
		if (json_is_string(key))
			hostconf_add_ssh_keys(hc, json_string_value(key), json_string_length(key),
					      "openstack public_keys");
	}
	json_decref(root);
}
