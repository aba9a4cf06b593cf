/* digest: the SHA-256 of a file, as lowercase hex.
 *
 * Contract: returns 0 with hex filled (64 characters and a NUL), or -1
 * with errno set (the caller names the file in its own error). */
#ifndef STELE_BUILDER_DIGEST_H
#define STELE_BUILDER_DIGEST_H

#define DIGEST_HEX_LEN 65

int file_sha256(const char *path, char hex[DIGEST_HEX_LEN]);

#endif
