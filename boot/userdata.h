/* userdata: init's local-userdata phase.
 *
 * Contract: userdata_local() runs USERDATA_PROGRAM with "local" as a child
 * bounded by the init.conf key userdata_timeout (seconds, default 30), so
 * /run/config (hostname, sysctl.conf, ...) is ready before the sysctl and
 * hostname phases. The program reads the command line, fw_cfg and
 * cidata/config-2 volumes and sandboxes its own parsing (metadata/).
 * A missing program is not an error (an image without metadata); a crash,
 * a failure or a timeout is logged in one line and boot goes on without
 * userdata. Returns 0 when the program ran to a clean exit, 1 otherwise. */
#ifndef STELE_INIT_USERDATA_H
#define STELE_INIT_USERDATA_H

#include "boot/settings.h"

#define USERDATA_PROGRAM	 "/sbin/stele-metadata"
#define USERDATA_TIMEOUT_DEFAULT 30 /* seconds */

int userdata_local(struct settings *settings);

#endif
