/* libFuzzer target for the sd_notify datagram's text
 * (supervisor/notify_parse.h): any bytes, as any process may send them.
 * The datagram is copied to a buffer of exactly its size, so a read past
 * its end is ASan's to report; the answer is checked against a plain
 * reading of the same bytes. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "supervisor/notify_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool reference(const char *msg, size_t len)
{
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		bool end = i == len || msg[i] == '\0';
		if (end || msg[i] == '\n') {
			if (i - start == 7 && memcmp(msg + start, "READY=1", 7) == 0)
				return true;
			if (end)
				return false;
			start = i + 1;
		}
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *msg = malloc(size ? size : 1);
	if (!msg)
		return 0;
	memcpy(msg, data, size);
	if (notify_says_ready(msg, size) != reference(msg, size))
		abort();
	free(msg);
	return 0;
}
