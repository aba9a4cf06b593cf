#include "metadata/http.h"

#include "lib/error.h"
#include "lib/fdio.h"
#include "lib/log.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

struct sink {
	struct buf *buf;
	size_t cap;
};

static size_t collect(char *data, size_t size, size_t count, void *arg)
{
	struct sink *sink = arg;
	size_t len = size * count;
	if (sink->buf->len + len > sink->cap || buf_append(sink->buf, data, len) < 0)
		return 0; /* makes curl fail the transfer */
	return len;
}

/* The options every request shares: protocols, no redirects, no proxy,
 * no signals, the connect and total bounds. */
static CURL *easy_new(const char *url, const struct http_limits *lim)
{
	CURL *curl = curl_easy_init();
	if (!curl)
		return NULL;
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, lim->protocols);
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, lim->connect_ms);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, lim->total_ms);
	if (lim->stall_s > 0) {
		curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, lim->stall_s);
	}
	return curl;
}

static const struct http_limits metadata_limits = {
    .protocols = "http", .connect_ms = 1000, .total_ms = 3000};

long http_request(const char *method, const char *url, const char *const *headers, size_t cap,
		  struct http_reply *reply)
{
	*reply = (struct http_reply){.status = -1};
	CURL *curl = easy_new(url, &metadata_limits);
	if (!curl)
		return -1;
	struct curl_slist *list = NULL;
	for (; headers && *headers; headers++) {
		struct curl_slist *grown = curl_slist_append(list, *headers);
		if (!grown)
			goto out;
		list = grown;
	}
	struct sink body = {&reply->body, cap}, head = {&reply->headers, 64 << 10};
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &head);
	if (strcmp(method, "PUT") == 0) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, 0L);
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
	}
	CURLcode rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply->status);
	else
		log_debug("%s %s: %s", method, url, curl_easy_strerror(rc));
out:
	curl_slist_free_all(list);
	curl_easy_cleanup(curl);
	return reply->status;
}

struct file_sink {
	int fd;
	size_t len, cap;
	bool too_big;
};

static size_t to_file(char *data, size_t size, size_t count, void *arg)
{
	struct file_sink *sink = arg;
	size_t len = size * count;
	if (sink->len + len > sink->cap) {
		sink->too_big = true;
		return 0;
	}
	if (write_all(sink->fd, data, len) < 0)
		return 0;
	sink->len += len;
	return len;
}

int http_get_file(const char *url, const struct http_limits *lim, int fd, char *err, size_t errlen)
{
	CURL *curl = easy_new(url, lim);
	if (!curl)
		return set_error(err, errlen, "libcurl could not start a request");
	struct file_sink sink = {.fd = fd, .cap = lim->cap};
	char why[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, why);
	curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, to_file);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
	/* A length announced past the cap is refused before its first byte;
	 * one not announced is counted by to_file. */
	curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)lim->cap);
	CURLcode rc = curl_easy_perform(curl);
	long status = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(curl);
	if (rc == CURLE_OK && status >= 200 && status < 300)
		return 0;
	if (rc == CURLE_OK) /* a redirect, which is not followed */
		return set_error(err, errlen, "the server answered HTTP %ld", status);
	if (sink.too_big || rc == CURLE_FILESIZE_EXCEEDED)
		return set_error(err, errlen, "larger than %zu bytes", lim->cap);
	if (rc == CURLE_HTTP_RETURNED_ERROR)
		return set_error(err, errlen, "the server answered HTTP %ld", status);
	return set_error(err, errlen, "%s%s", rc == CURLE_OPERATION_TIMEDOUT ? "timed out: " : "",
			 why[0] ? why : curl_easy_strerror(rc));
}

void http_reply_free(struct http_reply *reply)
{
	buf_free(&reply->body);
	buf_free(&reply->headers);
}

int http_reply_has_header(const struct http_reply *reply, const char *name, const char *value)
{
	size_t nlen = strlen(name);
	const char *line = reply->headers.data;
	while (line && *line) {
		const char *end = strchr(line, '\n');
		if (strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
			const char *v = line + nlen + 1;
			v += strspn(v, " \t");
			size_t vlen = strcspn(v, "\r\n");
			if (vlen == strlen(value) && strncmp(v, value, vlen) == 0)
				return 1;
		}
		line = end ? end + 1 : NULL;
	}
	return 0;
}
