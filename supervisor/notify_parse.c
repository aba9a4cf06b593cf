#include "supervisor/notify_parse.h"

#include <string.h>

bool notify_says_ready(const char *msg, size_t len)
{
	const char *nul = memchr(msg, '\0', len);
	const char *end = nul ? nul : msg + len;
	for (const char *line = msg; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *stop = nl ? nl : end;
		if (stop - line == 7 && memcmp(line, "READY=1", 7) == 0)
			return true;
		line = stop + 1;
	}
	return false;
}
