#include "metadata/http.h"

#include "lib/log.h"

#include <curl/curl.h>
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

long http_request(const char *method, const char *url, const char *const *headers, size_t cap,
		  struct http_reply *reply)
{
	*reply = (struct http_reply){.status = -1};
	CURL *curl = curl_easy_init();
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
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 1000L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 3000L);
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
