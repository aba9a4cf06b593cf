/* hostconf: the host settings gathered from meta-data and from stele's own
 * userdata keys, and the files they become under /run/config.
 *
 * Contract: every setter validates its input and returns 0, or -1 after
 * logging one line naming the key (`what`) and the fix; a rejected value
 * leaves the previous one in place. Higher-priority sources call later with
 * a higher rank, so the order of calls does not matter for the hostname.
 * hostconf_plan() adds the files (layout in README.md) to a plan. */
#ifndef STELE_METADATA_HOSTCONF_H
#define STELE_METADATA_HOSTCONF_H

#include "metadata/buf.h"
#include "metadata/limits.h"
#include "metadata/plan.h"

#include <stdbool.h>

/* Where a host name came from; a higher rank wins. */
enum hostname_rank { HOSTNAME_NONE, HOSTNAME_METADATA, HOSTNAME_USERDATA, HOSTNAME_CMDLINE };

struct meta_kv {
	char *key;
	char *value;
};

struct hostconf {
	const char *provider;
	bool has_userdata;
	struct buf userdata; /* raw bytes, kept whatever they hold */
	char hostname[65];
	enum hostname_rank hostname_rank;
	struct meta_kv meta[META_KEYS_MAX];
	size_t meta_count;
	struct buf network_config; /* NoCloud network-config, raw */
	struct buf ssh_keys;	   /* authorized_keys lines */
	struct buf sysctl;	   /* sysctl.conf lines */
	char root_hash[513];
	struct buf services_enabled;  /* one name per line */
	struct buf services_disabled; /* one name per line */
	struct buf network;	      /* key=value lines */
	struct buf resolv;	      /* resolv.conf lines */
};

void hostconf_init(struct hostconf *hc);
void hostconf_free(struct hostconf *hc);

int hostconf_set_hostname(struct hostconf *hc, const char *name, enum hostname_rank rank,
			  const char *what);
/* A scalar meta-data key, written to meta-data/KEY. */
int hostconf_set_meta(struct hostconf *hc, const char *key, const char *value, size_t len);
/* One or more authorized_keys lines (blank lines and comments dropped). */
int hostconf_add_ssh_keys(struct hostconf *hc, const char *text, size_t len, const char *what);
int hostconf_add_sysctl(struct hostconf *hc, const char *key, const char *value);
int hostconf_set_root_hash(struct hostconf *hc, const char *hash);
int hostconf_set_service(struct hostconf *hc, const char *name, bool enable);
/* key is one of interface, address, gateway; dns adds a nameserver. */
int hostconf_set_network(struct hostconf *hc, const char *key, const char *value);
int hostconf_add_dns(struct hostconf *hc, const char *server);

int hostconf_plan(const struct hostconf *hc, struct plan *p);

#endif
