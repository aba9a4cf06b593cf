#include "metadata/base64.h"

#include <errno.h>

static int sextet(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

int base64_decode(const char *text, size_t len, struct buf *out)
{
	unsigned acc = 0;
	int bits = 0;
	int padding = 0;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if (c == '=') {
			padding++;
			continue;
		}
		int v = sextet(c);
		if (v < 0 || padding) {
			errno = EINVAL;
			return -1;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			char byte = (char)((acc >> bits) & 0xff);
			if (buf_append(out, &byte, 1) < 0)
				return -1;
		}
	}
	if (padding > 2 || bits >= 6) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}
