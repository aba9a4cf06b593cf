/* libFuzzer target for the control protocol's request line
 * (supervisor/control_parse.h): any bytes, as a client sends them. Too
 * long a line is what the server answers before parsing; the rest must
 * give words or an error, never a crash, and the words must hold up. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "supervisor/control.h"
#include "supervisor/control_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= CONTROL_MAX_REQUEST)
		size = CONTROL_MAX_REQUEST - 1;
	char line[CONTROL_MAX_REQUEST];
	memcpy(line, data, size);
	line[size] = '\0';
	char *argv[CONTROL_MAX_WORDS + 1];
	const char *why = NULL;
	int argc = control_split(line, argv, &why);
	if (argc < 0) {
		if (!why || !*why)
			abort();
		return 0;
	}
	if (argc == 0 || argc > CONTROL_MAX_WORDS || argv[argc] != NULL)
		abort();
	for (int i = 0; i < argc; i++) {
		if (!*argv[i] || strchr(argv[i], ' '))
			abort();
		for (const char *p = argv[i]; *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
				abort();
	}
	return 0;
}
