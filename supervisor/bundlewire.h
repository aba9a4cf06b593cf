/* bundlewire: the record in which the bundle parser's child (bundleparse.h)
 * sends one parsed bundle to the supervisor.
 *
 * Contract: bundlewire_send() writes b as one record: a fixed header of
 * uint32 fields, then the error line, the reason it is created after
 * onboot, its shim group's name, each dependency (uint32 length, then the
 * name) and the adjusted spec. A bundle is ok with its dependencies, spec
 * and whether it is created early, or not ok with its error line and
 * nothing of those; only that part is sent.
 * bundlewire_receive() reads one record before deadline_ms (CLOCK_BOOTTIME,
 * lib/clock.h) into b, which must be zeroed. The sender is as untrusted as
 * the bundles it parsed, so every length and value is checked against
 * parsed_bundle's buffers and the schema's bounds before anything is kept:
 * strings end at their length, names are valid service names, a record
 * carries only its own part (ok or not). Returns 0; -1 on I/O with errno (ETIMEDOUT, EPIPE when the sender
 * ended, ENOMEM); -2 when the record is out of bounds. On any return, b
 * owns what was read: bundlewire_release() frees it and zeroes b. */
#ifndef STELE_BUNDLEWIRE_H
#define STELE_BUNDLEWIRE_H

#include "supervisor/bundleparse.h"

#include <stdint.h>

int bundlewire_send(int fd, const struct parsed_bundle *b);
int bundlewire_receive(int fd, struct parsed_bundle *b, int64_t deadline_ms);
void bundlewire_release(struct parsed_bundle *b);

#endif
