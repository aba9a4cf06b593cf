/* userdata: decide what a userdata document means.
 *
 * Contract: userdata_parse() never fails the caller. Userdata that is too
 * large (USERDATA_PARSE_MAX), not UTF-8, not JSON or not a JSON object gets
 * ONE log line saying why it was not parsed; the caller keeps it raw.
 * A JSON object is read as LinuxKit's file tree,
 *   {"NAME": {"perm": "0644", "content": "..."},
 *    "DIR": {"perm": "0755", "entries": {...}}}
 * whose files and directories are added to plan, except the reserved key
 * "stele", stele's own settings (schema in README.md), which go to hc.
 * Paths stele writes itself are never planned from the tree: hostname,
 * ssh/authorized_keys and getty/root_password_hash go to hc through the
 * same checks as the "stele" keys; the others are refused.
 * Each rejected key is logged with its path and nothing is planned for it
 * or below it; the other keys are still planned. Caps: TREE_BYTES_MAX of
 * content, TREE_ENTRIES_MAX entries, TREE_DEPTH_MAX levels.
 * Returns true when the userdata was parsed as JSON. */
#ifndef STELE_METADATA_USERDATA_H
#define STELE_METADATA_USERDATA_H

#include "metadata/hostconf.h"
#include "metadata/plan.h"

#include <stdbool.h>
#include <stddef.h>

bool userdata_parse(const char *data, size_t len, struct plan *p, struct hostconf *hc);

#endif
