#include "pid1/reap.h"

#include "lib/log.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>

int reap_all(reap_fn *on_exit, void *ctx, bool *none_left)
{
	int reaped = 0;
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid > 0) {
			reaped++;
			if (on_exit)
				on_exit(pid, status, ctx);
			continue;
		}
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0 && errno != ECHILD)
			log_err("waitpid: %s", strerror(errno));
		if (none_left)
			*none_left = pid < 0 && errno == ECHILD;
		return reaped;
	}
}
