#include "supervisor/control_parse.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static bool printable(const char *word)
{
	for (const char *p = word; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			return false;
	return true;
}

int control_split(char *line, char *argv[CONTROL_MAX_WORDS + 1], const char **why)
{
	int argc = 0;
	for (char *save = NULL, *w = strtok_r(line, " ", &save); w;
	     w = strtok_r(NULL, " ", &save)) {
		if (argc == CONTROL_MAX_WORDS) {
			*why = "empty or malformed request: see supervisor/README.md";
			return -1;
		}
		argv[argc++] = w;
	}
	argv[argc] = NULL;
	if (argc == 0) {
		*why = "empty or malformed request: see supervisor/README.md";
		return -1;
	}
	for (int i = 0; i < argc; i++)
		if (!printable(argv[i])) {
			*why = "request has control or non-ASCII bytes";
			return -1;
		}
	return argc;
}
