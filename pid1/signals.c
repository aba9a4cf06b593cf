#include "pid1/signals.h"

#include "lib/log.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

static const int handled[] = {SIGCHLD, SIGTERM, SIGINT, SIGUSR1, SIGUSR2, SIGPWR, SIGHUP};

void signals_handled(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof handled / sizeof *handled; i++)
		sigaddset(set, handled[i]);
}

void signals_block(void)
{
	sigset_t set;
	signals_handled(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		log_err("block signals: %s", strerror(errno));
	/* A console that goes away must not end PID 1's writes. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		log_err("ignore SIGPIPE: %s", strerror(errno));
}

enum shutdown_kind shutdown_kind_of(int signo)
{
	switch (signo) {
	case SIGTERM:
	case SIGINT:
		return SHUTDOWN_REBOOT;
	case SIGUSR1:
		return SHUTDOWN_HALT;
	case SIGUSR2:
	case SIGPWR:
		return SHUTDOWN_POWEROFF;
	}
	return SHUTDOWN_NONE;
}

const char *shutdown_kind_name(enum shutdown_kind kind)
{
	switch (kind) {
	case SHUTDOWN_REBOOT:
		return "reboot";
	case SHUTDOWN_HALT:
		return "halt";
	case SHUTDOWN_POWEROFF:
		return "poweroff";
	case SHUTDOWN_NONE:
		break;
	}
	return "none";
}

enum shutdown_kind shutdown_kind_from_name(const char *name)
{
	static const enum shutdown_kind kinds[] = {SHUTDOWN_REBOOT, SHUTDOWN_HALT,
						   SHUTDOWN_POWEROFF};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (strcmp(name, shutdown_kind_name(kinds[i])) == 0)
			return kinds[i];
	return SHUTDOWN_NONE;
}
