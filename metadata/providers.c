#include "metadata/providers.h"

#include "metadata/base64.h"
#include "metadata/http.h"
#include "metadata/limits.h"
#include "lib/log.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* GET base+path with headers; 200 puts the body in out. Returns the status. */
static long get(const char *base, const char *path, const char *const *headers, size_t cap,
		struct buf *out)
{
	char url[1024];
	snprintf(url, sizeof url, "%s%s", base, path);
	struct http_reply reply;
	long status = http_request("GET", url, headers, cap, &reply);
	if (status == 200)
		buf_append(out, reply.body.data ? reply.body.data : "", reply.body.len);
	http_reply_free(&reply);
	return status;
}

/* A scalar: meta-data/KEY, and the host name when it is one. */
static void get_meta(const char *base, const char *path, const char *const *headers,
		     struct source *src, const char *key)
{
	struct buf value = BUF_INIT;
	if (get(base, path, headers, META_VALUE_MAX, &value) == 200 && value.len) {
		while (value.len && (value.data[value.len - 1] == '\n'))
			value.data[--value.len] = '\0';
		hostconf_set_meta(&src->hc, key, value.data, value.len);
		if (strcmp(key, "local-hostname") == 0)
			hostconf_set_hostname(&src->hc, value.data, HOSTNAME_METADATA,
					      src->hc.provider);
	}
	buf_free(&value);
}

static void get_userdata(const char *base, const char *path, const char *const *headers,
			 struct source *src)
{
	long status = get(base, path, headers, USERDATA_RAW_MAX, &src->hc.userdata);
	src->hc.has_userdata = status == 200;
	if (status != 200 && status != 404)
		log_warn("%s: userdata: HTTP %ld; none used", src->hc.provider, status);
}

static int aws(const char *base, struct source *src)
{
	char url[1024];
	snprintf(url, sizeof url, "%s/latest/api/token", base);
	const char *const ttl[] = {"X-aws-ec2-metadata-token-ttl-seconds: 300", NULL};
	struct http_reply reply;
	long status = http_request("PUT", url, ttl, 1024, &reply);
	char header[1200] = "";
	if (status == 200 && reply.body.len && !memchr(reply.body.data, '\n', reply.body.len) &&
	    !memchr(reply.body.data, '\r', reply.body.len))
		snprintf(header, sizeof header, "X-aws-ec2-metadata-token: %s", reply.body.data);
	http_reply_free(&reply);
	if (!header[0]) {
		if (status > 0)
			log_info("aws: no IMDSv2 token (HTTP %ld); IMDSv1 is never used", status);
		return 0;
	}
	const char *const token[] = {header, NULL};
	src->hc.provider = "aws";
	struct buf id = BUF_INIT;
	status = get(base, "/latest/meta-data/instance-id", token, META_VALUE_MAX, &id);
	if (status != 200) {
		buf_free(&id);
		return 0;
	}
	hostconf_set_meta(&src->hc, "instance-id", id.data, id.len);
	buf_free(&id);
	get_meta(base, "/latest/meta-data/local-hostname", token, src, "local-hostname");
	struct buf key = BUF_INIT;
	if (get(base, "/latest/meta-data/public-keys/0/openssh-key", token, META_VALUE_MAX, &key) ==
	    200)
		hostconf_add_ssh_keys(&src->hc, key.data, key.len, "aws public-keys");
	buf_free(&key);
	get_userdata(base, "/latest/user-data", token, src);
	return 1;
}

/* GCP ssh-keys: "user:ssh-ed25519 AAAA... comment" lines. */
static void gcp_keys(struct source *src, const struct buf *keys)
{
	const char *line = keys->data;
	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		const char *colon = memchr(line, ':', n);
		if (colon)
			hostconf_add_ssh_keys(&src->hc, colon + 1, n - (size_t)(colon + 1 - line),
					      "gcp ssh-keys");
		line = end ? end + 1 : NULL;
	}
}

static int gcp(const char *base, struct source *src)
{
	const char *const flavor[] = {"Metadata-Flavor: Google", NULL};
	char url[1024];
	snprintf(url, sizeof url, "%s/computeMetadata/v1/instance/id", base);
	struct http_reply reply;
	long status = http_request("GET", url, flavor, META_VALUE_MAX, &reply);
	int answered = status == 200 && http_reply_has_header(&reply, "Metadata-Flavor", "Google");
	if (answered) {
		src->hc.provider = "gcp";
		hostconf_set_meta(&src->hc, "instance-id", reply.body.data, reply.body.len);
	}
	http_reply_free(&reply);
	if (!answered)
		return 0;
	get_meta(base, "/computeMetadata/v1/instance/hostname", flavor, src, "local-hostname");
	struct buf keys = BUF_INIT;
	if (get(base, "/computeMetadata/v1/instance/attributes/ssh-keys", flavor, HTTP_BODY_MAX,
		&keys) == 200)
		gcp_keys(src, &keys);
	buf_free(&keys);
	get_userdata(base, "/computeMetadata/v1/instance/attributes/user-data", flavor, src);
	return 1;
}

static void azure_compute(struct source *src, const struct buf *doc)
{
	json_t *root = json_loadb(doc->data, doc->len, 0, NULL);
	if (!json_is_object(root)) {
		log_err("azure: instance/compute is not a JSON object; meta-data ignored");
		json_decref(root);
		return;
	}
	json_t *v = json_object_get(root, "vmId");
	if (json_is_string(v))
		hostconf_set_meta(&src->hc, "instance-id", json_string_value(v),
				  json_string_length(v));
	v = json_object_get(root, "name");
	if (json_is_string(v)) {
		hostconf_set_meta(&src->hc, "local-hostname", json_string_value(v),
				  json_string_length(v));
		hostconf_set_hostname(&src->hc, json_string_value(v), HOSTNAME_METADATA,
				      "azure name");
	}
	size_t i;
	json_t *key;
	json_array_foreach(json_object_get(root, "publicKeys"), i, key)
	{
		json_t *data = json_object_get(key, "keyData");
		if (json_is_string(data))
			hostconf_add_ssh_keys(&src->hc, json_string_value(data),
					      json_string_length(data), "azure publicKeys");
	}
	json_decref(root);
}

static int azure(const char *base, struct source *src)
{
	const char *const hdr[] = {"Metadata: true", NULL};
	struct buf doc = BUF_INIT;
	if (get(base, "/metadata/instance/compute?api-version=2021-02-01&format=json", hdr,
		HTTP_BODY_MAX, &doc) != 200) {
		buf_free(&doc);
		return 0;
	}
	src->hc.provider = "azure";
	azure_compute(src, &doc);
	buf_free(&doc);
	struct buf encoded = BUF_INIT;
	long status =
	    get(base, "/metadata/instance/compute/userData?api-version=2021-01-01&format=text", hdr,
		USERDATA_RAW_MAX / 3 * 4, &encoded);
	if (status == 200 && encoded.len) {
		if (base64_decode(encoded.data, encoded.len, &src->hc.userdata) == 0)
			src->hc.has_userdata = true;
		else
			log_err("azure: userData is not base64; ignored");
	}
	buf_free(&encoded);
	return 1;
}

static int openstack(const char *base, struct source *src)
{
	if (get(base, "/openstack/latest/meta_data.json", NULL, METADATA_MAX, &src->metadata) !=
	    200) {
		buf_reset(&src->metadata);
		return 0;
	}
	src->hc.provider = "openstack";
	src->meta_format = META_OPENSTACK;
	get_userdata(base, "/openstack/latest/user_data", NULL, src);
	return 1;
}

static void key_list(struct source *src, const struct buf *keys, const char *what)
{
	json_t *list =
	    keys->len && keys->data[0] == '[' ? json_loadb(keys->data, keys->len, 0, NULL) : NULL;
	if (json_is_array(list)) {
		size_t i;
		json_t *key;
		json_array_foreach(list, i, key)
		{
			if (json_is_string(key))
				hostconf_add_ssh_keys(&src->hc, json_string_value(key),
						      json_string_length(key), what);
		}
	} else {
		hostconf_add_ssh_keys(&src->hc, keys->data ? keys->data : "", keys->len, what);
	}
	json_decref(list);
}

/* DigitalOcean and Hetzner: one plain-text path per value. */
struct simple_paths {
	const char *name, *id, *hostname, *keys, *userdata;
};

static int simple(const struct simple_paths *p, const char *base, struct source *src)
{
	struct buf id = BUF_INIT;
	if (get(base, p->id, NULL, META_VALUE_MAX, &id) != 200) {
		buf_free(&id);
		return 0;
	}
	src->hc.provider = p->name;
	hostconf_set_meta(&src->hc, "instance-id", id.data, id.len);
	buf_free(&id);
	get_meta(base, p->hostname, NULL, src, "local-hostname");
	struct buf keys = BUF_INIT;
	if (get(base, p->keys, NULL, HTTP_BODY_MAX, &keys) == 200)
		key_list(src, &keys, p->name);
	buf_free(&keys);
	get_userdata(base, p->userdata, NULL, src);
	return 1;
}

static int digitalocean(const char *base, struct source *src)
{
	static const struct simple_paths paths = {
	    "digitalocean",	      "/metadata/v1/id",
	    "/metadata/v1/hostname",  "/metadata/v1/public-keys",
	    "/metadata/v1/user-data",
	};
	return simple(&paths, base, src);
}

static int hetzner(const char *base, struct source *src)
{
	static const struct simple_paths paths = {
	    "hetzner",
	    "/hetzner/v1/metadata/instance-id",
	    "/hetzner/v1/metadata/hostname",
	    "/hetzner/v1/metadata/public-keys",
	    "/hetzner/v1/userdata",
	};
	return simple(&paths, base, src);
}

static const struct provider providers[] = {
    {"aws", aws},
    {"gcp", gcp},
    {"azure", azure},
    {"openstack", openstack},
    {"digitalocean", digitalocean},
    {"hetzner", hetzner},
};

const struct provider *provider_find(const char *name)
{
	for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++)
		if (strcmp(providers[i].name, name) == 0)
			return &providers[i];
	return NULL;
}
