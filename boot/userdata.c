#include "boot/userdata.h"

#include "lib/log.h"
#include "lib/spawn.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* stele-metadata's exit codes (metadata/README.md). */
static const char *exit_meaning(int code)
{
	switch (code) {
	case 1:
		return "bad usage or output directory";
	case 2:
		return "its sandboxed parser crashed or timed out";
	case 4:
		return "some files could not be written";
	default:
		return "unexpected exit code";
	}
}

int userdata_local(struct settings *settings)
{
	if (access(USERDATA_PROGRAM, X_OK) < 0) {
		if (errno != ENOENT)
			log_err("%s: %s; no local userdata", USERDATA_PROGRAM, strerror(errno));
		return errno == ENOENT ? 0 : 1;
	}
	long seconds =
	    settings_get_long(settings, "userdata_timeout", 1, 600, USERDATA_TIMEOUT_DEFAULT);
	char *argv[] = {USERDATA_PROGRAM, "local", NULL};
	int status = run_bounded(argv, -1, (int)seconds * 1000, 2000);
	if (status < 0) {
		log_err("%s local: %s; boot goes on without userdata", USERDATA_PROGRAM,
			errno == ETIMEDOUT ? "timed out (raise userdata_timeout)"
					   : strerror(errno));
		return 1;
	}
	if (status == 0)
		return 0;
	char desc[64];
	describe_status(status, desc, sizeof desc);
	if (WIFEXITED(status))
		log_err("%s local: %s (%s); boot goes on", USERDATA_PROGRAM, desc,
			exit_meaning(WEXITSTATUS(status)));
	else
		log_err("%s local: %s; boot goes on without userdata", USERDATA_PROGRAM, desc);
	return 1;
}
