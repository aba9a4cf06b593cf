/* http: the small HTTP client the network providers need, over libcurl.
 *
 * Contract: plain http only (metadata services are link-local), no
 * redirects, no proxy (the environment's proxy variables are ignored),
 * 1 s to connect and 3 s per request. The body is read into out up to cap
 * bytes; a larger body fails. Returns the HTTP status, or -1 when no
 * answer came (logged at debug level only: absent providers are normal). */
#ifndef STELE_METADATA_HTTP_H
#define STELE_METADATA_HTTP_H

#include "metadata/buf.h"

struct http_reply {
	long status;
	struct buf body;
	struct buf headers; /* raw response header lines */
};

/* method: "GET" or "PUT" (PUT sends an empty body). headers: NULL-ended. */
long http_request(const char *method, const char *url, const char *const *headers, size_t cap,
		  struct http_reply *reply);
void http_reply_free(struct http_reply *reply);
/* Whether a response header "Name: value" is present (case-insensitive name). */
int http_reply_has_header(const struct http_reply *reply, const char *name, const char *value);

#endif
