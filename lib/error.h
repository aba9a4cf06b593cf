/* error: the one-line error a function hands back to the caller that
 * decides what the failure means (docs/design.md, Conventions).
 *
 * Contract: set_error() formats into err (truncating, always terminated)
 * and returns -1, so that `return set_error(err, len, "...")` both
 * reports and fails. vset_error() is the same for a module's own
 * variadic helper that also releases what it held. */
#ifndef STELE_LIB_ERROR_H
#define STELE_LIB_ERROR_H

#include <stdarg.h>
#include <stddef.h>

__attribute__((format(printf, 3, 4))) int set_error(char *err, size_t len, const char *fmt, ...);
__attribute__((format(printf, 3, 0))) int vset_error(char *err, size_t len, const char *fmt,
						     va_list ap);

#endif
