#include "metadata/hostconf.h"

#include "lib/log.h"
#include "metadata/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hostconf_init(struct hostconf *hc)
{
	memset(hc, 0, sizeof *hc);
}

void hostconf_free(struct hostconf *hc)
{
	for (size_t i = 0; i < hc->meta_count; i++) {
		free(hc->meta[i].key);
		free(hc->meta[i].value);
	}
	struct buf *bufs[] = {
	    &hc->userdata,	   &hc->network_config,	   &hc->ssh_keys, &hc->sysctl,
	    &hc->services_enabled, &hc->services_disabled, &hc->network,  &hc->resolv};
	for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
		buf_free(bufs[i]);
	hostconf_init(hc);
}

static int rejected(const char *what, const char *value, const char *reason)
{
	char shown[65];
	log_err("%s: %s rejected: %s", what, printable(value, shown, sizeof shown), reason);
	return -1;
}

int hostconf_set_hostname(struct hostconf *hc, const char *name, enum hostname_rank rank,
			  const char *what)
{
	const char *bad = check_hostname(name);
	if (bad)
		return rejected(what, name, bad);
	if (rank < hc->hostname_rank)
		return 0;
	strcpy(hc->hostname, name);
	hc->hostname_rank = rank;
	return 0;
}

int hostconf_set_meta(struct hostconf *hc, const char *key, const char *value, size_t len)
{
	const char *bad = check_name(key);
	if (!bad && len > META_VALUE_MAX)
		bad = "value longer than 4096 bytes";
	if (!bad && memchr(value, '\0', len))
		bad = "value holds a NUL byte";
	if (bad)
		return rejected("meta-data key", key, bad);
	for (size_t i = 0; i < hc->meta_count; i++) {
		if (strcmp(hc->meta[i].key, key) != 0)
			continue;
		char *copy = strndup(value, len);
		if (!copy)
			return rejected("meta-data key", key, "out of memory");
		free(hc->meta[i].value);
		hc->meta[i].value = copy;
		return 0;
	}
	if (hc->meta_count == META_KEYS_MAX)
		return rejected("meta-data key", key, "more than 64 keys");
	struct meta_kv kv = {strdup(key), strndup(value, len)};
	if (!kv.key || !kv.value) {
		free(kv.key);
		free(kv.value);
		return rejected("meta-data key", key, "out of memory");
	}
	hc->meta[hc->meta_count++] = kv;
	return 0;
}

int hostconf_add_ssh_keys(struct hostconf *hc, const char *text, size_t len, const char *what)
{
	const char *end = text + len;
	while (text < end) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		size_t n = (size_t)((nl ? nl : end) - text);
		while (n > 0 && (text[n - 1] == '\r' || text[n - 1] == ' '))
			n--;
		const char *bad = n > 0 && text[0] != '#' ? check_authorized_key(text, n) : NULL;
		if (bad)
			rejected(what, "authorized key", bad);
		else if (n > 0 && text[0] != '#' &&
			 (buf_append(&hc->ssh_keys, text, n) < 0 ||
			  buf_puts(&hc->ssh_keys, "\n") < 0))
			return rejected(what, "authorized key", "out of memory");
		text = nl ? nl + 1 : end;
	}
	return 0;
}

int hostconf_add_sysctl(struct hostconf *hc, const char *key, const char *value)
{
	const char *bad = check_sysctl_key(key);
	if (!bad)
		bad = check_line(value, strlen(value), 1024);
	if (bad)
		return rejected("stele.sysctl", key, bad);
	return buf_printf(&hc->sysctl, "%s = %s\n", key, value) < 0
		   ? rejected("stele.sysctl", key, "out of memory")
		   : 0;
}

int hostconf_set_root_hash(struct hostconf *hc, const char *hash)
{
	const char *bad = check_password_hash(hash);
	if (bad)
		return rejected("stele.root_password_hash", "(hash)", bad);
	strcpy(hc->root_hash, hash);
	return 0;
}

static const char *check_service(const char *name)
{
	const char *bad = check_name(name);
	if (bad)
		return bad;
	for (const char *p = name; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-",
			    *p))
			return "service names hold only [A-Za-z0-9_.-]";
	return NULL;
}

int hostconf_set_service(struct hostconf *hc, const char *name, bool enable)
{
	const char *bad = check_service(name);
	if (bad)
		return rejected("stele.services", name, bad);
	struct buf *list = enable ? &hc->services_enabled : &hc->services_disabled;
	return buf_printf(list, "%s\n", name) < 0
		   ? rejected("stele.services", name, "out of memory")
		   : 0;
}

int hostconf_set_network(struct hostconf *hc, const char *key, const char *value)
{
	const char *bad = NULL;
	if (strcmp(key, "interface") == 0) {
		bad = check_name(value);
		if (!bad && strlen(value) > 15)
			bad = "interface names are at most 15 bytes";
	} else if (strcmp(key, "address") == 0) {
		bad = check_address(value, true);
		if (!bad && !strchr(value, '/'))
			bad = "address needs a /prefix, like 10.0.0.5/24";
	} else if (strcmp(key, "gateway") == 0) {
		bad = check_address(value, false);
	} else {
		bad = "unknown key (interface, address, gateway, dns)";
	}
	if (bad)
		return rejected("stele.network", key, bad);
	return buf_printf(&hc->network, "%s=%s\n", key, value) < 0
		   ? rejected("stele.network", key, "out of memory")
		   : 0;
}

int hostconf_add_dns(struct hostconf *hc, const char *server)
{
	const char *bad = check_address(server, false);
	if (bad)
		return rejected("stele.network.dns", server, bad);
	return buf_printf(&hc->resolv, "nameserver %s\n", server) < 0
		   ? rejected("stele.network.dns", server, "out of memory")
		   : 0;
}

static int plan_text(struct plan *p, const char *path, mode_t mode, const struct buf *b)
{
	if (b->len == 0)
		return 0;
	return plan_add_file(p, path, mode, b->data, b->len);
}

static int plan_line(struct plan *p, const char *path, mode_t mode, const char *text)
{
	if (!*text)
		return 0;
	struct buf line = BUF_INIT;
	int r = buf_printf(&line, "%s\n", text);
	if (r == 0)
		r = plan_add_file(p, path, mode, line.data, line.len);
	buf_free(&line);
	return r;
}

static int plan_meta(const struct hostconf *hc, struct plan *p)
{
	if (hc->meta_count == 0)
		return 0;
	if (plan_add_dir(p, "meta-data", 0755) < 0)
		return -1;
	for (size_t i = 0; i < hc->meta_count; i++) {
		char path[300];
		snprintf(path, sizeof path, "meta-data/%s", hc->meta[i].key);
		if (plan_line(p, path, 0644, hc->meta[i].value) < 0)
			return -1;
	}
	return 0;
}

int hostconf_plan(const struct hostconf *hc, struct plan *p)
{
	if (hc->provider && plan_line(p, "provider", 0644, hc->provider) < 0)
		return -1;
	if (hc->has_userdata &&
	    plan_add_file(p, "userdata", 0600, hc->userdata.data, hc->userdata.len) < 0)
		return -1;
	if (plan_line(p, "hostname", 0644, hc->hostname) < 0 || plan_meta(hc, p) < 0 ||
	    plan_text(p, "network-config", 0644, &hc->network_config) < 0 ||
	    plan_text(p, "sysctl.conf", 0644, &hc->sysctl) < 0 ||
	    plan_text(p, "services/enabled", 0644, &hc->services_enabled) < 0 ||
	    plan_text(p, "services/disabled", 0644, &hc->services_disabled) < 0 ||
	    plan_text(p, "network/static", 0644, &hc->network) < 0 ||
	    plan_text(p, "network/resolv.conf", 0644, &hc->resolv) < 0)
		return -1;
	if (hc->ssh_keys.len && (plan_add_dir(p, "ssh", 0700) < 0 ||
				 plan_text(p, "ssh/authorized_keys", 0600, &hc->ssh_keys) < 0))
		return -1;
	if (hc->root_hash[0] && (plan_add_dir(p, "getty", 0700) < 0 ||
				 plan_line(p, "getty/root_password_hash", 0600, hc->root_hash) < 0))
		return -1;
	return 0;
}
