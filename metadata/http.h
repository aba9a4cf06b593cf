/* http: the small HTTP client the network providers and stele-fetch
 * (update/) need, over libcurl. Every request: the limits' protocols
 * only, no redirects, no proxy (the environment's proxy variables are
 * ignored), a bound on the connect and on the whole request.
 *
 * http_request(), for the providers: plain http only (metadata services
 * are link-local), 1 s to connect and 3 s per request. The body is read into out up to cap
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

struct http_limits {
	const char *protocols; /* libcurl's CURLOPT_PROTOCOLS_STR: "http", "http,https" */
	long connect_ms, total_ms;
	long stall_s; /* fail when no byte came for this long (0: no such bound) */
	size_t cap;   /* body bytes */
};

/* GET url into fd. Returns 0, or -1 with err one line: curl's reason
 * (a timeout, a refused connection, a bad certificate), "the server
 * answered HTTP N" for a status of 400 or more, or "larger than CAP
 * bytes". fd then holds part of the body. */
int http_get_file(const char *url, const struct http_limits *lim, int fd, char *err, size_t errlen);

/* method: "GET" or "PUT" (PUT sends an empty body). headers: NULL-ended. */
long http_request(const char *method, const char *url, const char *const *headers, size_t cap,
		  struct http_reply *reply);
void http_reply_free(struct http_reply *reply);
/* Whether a response header "Name: value" is present (case-insensitive name). */
int http_reply_has_header(const struct http_reply *reply, const char *name, const char *value);

#endif
