/* base64: RFC 4648 decoding, standard alphabet, for stele.userdata= and
 * Azure's userData. Padding is optional; whitespace is skipped.
 * Returns 0 with the bytes appended to out, or -1 (EINVAL) on a character
 * outside the alphabet or misplaced padding. */
#ifndef STELE_METADATA_BASE64_H
#define STELE_METADATA_BASE64_H

#include "metadata/buf.h"

int base64_decode(const char *text, size_t len, struct buf *out);

#endif
