/* stele-fetch URL > FILE: one update file over http(s) (fetch.h). */
#include "update/fetch.h"

#include "lib/log.h"
#include "metadata/http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	log_init_host("stele-fetch");
	if (argc != 2) {
		fprintf(stderr, "usage: stele-fetch http[s]://HOST/PATH > FILE\n");
		return 2;
	}
	if (strncmp(argv[1], "http://", 7) && strncmp(argv[1], "https://", 8)) {
		log_err("%s: not an http:// or https:// URL", argv[1]);
		return 2;
	}
	struct stat st;
	if (fstat(STDOUT_FILENO, &st) < 0 || !S_ISREG(st.st_mode)) {
		log_err("stdout must be a file: stele-fetch URL > FILE");
		return 2;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		log_err("%s: libcurl initialisation failed", argv[1]);
		return 1;
	}
	const struct http_limits lim = {.protocols = FETCH_PROTOCOLS,
					.connect_ms = FETCH_CONNECT_S * 1000L,
					.total_ms = FETCH_TOTAL_S * 1000L,
					.stall_s = FETCH_STALL_S,
					.cap = FETCH_MAX_BYTES};
	char err[512];
	int rc = http_get_file(argv[1], &lim, STDOUT_FILENO, err, sizeof err);
	if (rc == 0 && fsync(STDOUT_FILENO) < 0)
		rc = -1, snprintf(err, sizeof err, "writing the file: %m");
	curl_global_cleanup();
	if (rc < 0) {
		log_err("%s: %s; check that the URL serves the update file and that the host "
			"reaches it",
			argv[1], err);
		return 1;
	}
	return 0;
}
