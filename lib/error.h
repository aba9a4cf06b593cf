/* error: the one-line error messages the onboot modules hand back.
 *
 * Contract: set_error() formats into err (truncating, always terminated)
 * and returns -1, so that `return set_error(err, len, "...")` both
 * reports and fails. */
#ifndef STELE_ONBOOT_ERROR_H
#define STELE_ONBOOT_ERROR_H

#include <stddef.h>

__attribute__((format(printf, 3, 4))) int set_error(char *err, size_t len, const char *fmt, ...);

#endif
