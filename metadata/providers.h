/* providers: the cloud metadata services, each a short sequence of HTTP
 * requests that fills a source.
 *
 * Contract: provider_fetch() returns 1 when the service answered as that
 * provider (the source then holds the provider name, userdata if any and
 * meta-data), 0 when it did not answer, so the next provider is tried.
 * AWS is IMDSv2 only: without a session token from the PUT, not one GET
 * is sent. base is the scheme://host[:port] prefix (default
 * http://169.254.169.254; tests pass their own). */
#ifndef STELE_METADATA_PROVIDERS_H
#define STELE_METADATA_PROVIDERS_H

#include "metadata/source.h"

struct provider {
	const char *name;
	int (*fetch)(const char *base, struct source *src);
};

/* NULL when name is not a provider. */
const struct provider *provider_find(const char *name);

#define PROVIDER_DEFAULT_BASE "http://169.254.169.254"

#endif
