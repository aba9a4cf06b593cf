/* notify_parse: an sd_notify datagram's text. Pure, so it is fuzzed alone
 * (tests/fuzz/fuzz_notify.c).
 *
 * Contract: notify_says_ready() is true when one of the newline-separated
 * assignments of msg[0..len) is exactly READY=1. Any bytes may come
 * (a NUL ends the text, as sd_notify's senders never send one). */
#ifndef STELE_NOTIFY_PARSE_H
#define STELE_NOTIFY_PARSE_H

#include <stdbool.h>
#include <stddef.h>

bool notify_says_ready(const char *msg, size_t len);

#endif
