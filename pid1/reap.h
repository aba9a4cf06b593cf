/* reap: collect every exited child, orphans included.
 *
 * Contract: reap_all() calls waitpid(-1, WNOHANG) until nothing is left to
 * collect, calling on_exit (may be NULL) for each child. It returns the
 * number reaped; *none_left (may be NULL) tells whether PID 1 has no child
 * at all any more (ECHILD). It never blocks. */
#ifndef STELE_INIT_REAP_H
#define STELE_INIT_REAP_H

#include <stdbool.h>
#include <sys/types.h>

typedef void reap_fn(pid_t pid, int status, void *ctx);

int reap_all(reap_fn *on_exit, void *ctx, bool *none_left);

#endif
