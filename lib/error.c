#include "lib/error.h"

#include <stdarg.h>
#include <stdio.h>

int set_error(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}
