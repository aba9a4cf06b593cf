#include "lib/error.h"

#include <stdio.h>

int vset_error(char *err, size_t len, const char *fmt, va_list ap)
{
	vsnprintf(err, len, fmt, ap);
	return -1;
}

int set_error(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset_error(err, len, fmt, ap);
	va_end(ap);
	return -1;
}
