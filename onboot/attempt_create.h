/* attempt_create: one attempt as `runc create`, the after-create hooks
 * (runtime.interfaces, runtime.bindNS: they need the container's
 * namespaces before its process runs), `runc start`, then watch.h.
 *
 * Contract: out_w is the write end of the output pipe: it becomes the
 * container's stdout and stderr, and is closed here once runc holds it;
 * *out_fd is the read end (watch.h). The container's process, orphaned
 * when `runc create` exits, is reaped here with its real status: the
 * caller is a child subreaper. A container left in runc's state (a failed
 * create, hook or start) is the caller's to `runc delete`. */
#ifndef STELE_ONBOOT_ATTEMPT_CREATE_H
#define STELE_ONBOOT_ATTEMPT_CREATE_H

#include "onboot/job.h"

struct result attempt_create(struct job *j, int out_w, int *out_fd);

#endif
