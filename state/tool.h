/* state_tool: run an e2fsprogs tool the way PID 1 may: a bounded child
 * whose output goes to the log, line by line, prefixed with its name.
 *
 * Contract: returns the tool's wait status, or -1 with errno (ETIMEDOUT
 * when it overran timeout_s and was killed, or a spawn error). Never
 * blocks longer than timeout_s plus a 5 s grace. */
#ifndef STELE_STATE_TOOL_H
#define STELE_STATE_TOOL_H

#define STATE_MKE2FS	"/sbin/mke2fs"
#define STATE_E2FSCK	"/sbin/e2fsck"
#define STATE_RESIZE2FS "/sbin/resize2fs"

int state_tool_run(char *const argv[], int timeout_s);

#endif
