/* fetch: the bounds of an update fetched by URL (stelectl update --url,
 * userdata stele.update.url), in one place for the code, the README and
 * the tests.
 *
 * stele-fetch (fetch_main.c, a separate binary linked with libcurl, staged
 * by the image's `fetch` init component with the libraries it needs)
 * writes the body of one URL to its stdout, through metadata's http
 * client: http or https only, no redirects, no proxy, FETCH_CONNECT_S to
 * connect, fail after FETCH_STALL_S without a byte and after FETCH_TOTAL_S
 * in all, at most FETCH_MAX_BYTES. Exit 0, or 1 with one line on stderr
 * naming the URL, what went wrong and the fix; 2 on bad usage. */
#ifndef STELE_UPDATE_FETCH_H
#define STELE_UPDATE_FETCH_H

#define FETCH_BIN	"/usr/bin/stele-fetch"
#define FETCH_PROTOCOLS "http,https"
#define FETCH_CONNECT_S 10
#define FETCH_STALL_S	20
#define FETCH_TOTAL_S	1800
#define FETCH_MAX_BYTES (1024ul << 20)

#endif
