/* stele-onboot: run the onboot or onshutdown containers through runc.
 *
 *   stele-onboot run onboot|onshutdown [--root DIR] [--runc PATH]
 *                [--runc-root DIR] [--log-dir DIR] [--timeline-dir DIR]
 *                [--state-mountpoint DIR] [--kmsg]
 *
 * Exit codes (the supervisor acts on them; onboot/README.md):
 *   0 go on; 10 halt; 11 power off; 12 stopped by SIGTERM/SIGINT;
 *   2 usage error. Anything else: go on, and report it. */
#include "hostlib/volumes.h"
#include "lib/log.h"
#include "lib/timeline.h"
#include "onboot/runner.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#define EXIT_USAGE 2

static int usage(const char *why)
{
	if (why)
		log_err("%s", why);
	fprintf(stderr,
		"usage: stele-onboot run onboot|onshutdown [--root DIR] [--runc PATH]\n"
		"                    [--runc-root DIR] [--log-dir DIR] [--timeline-dir DIR]\n"
		"                    [--state-mountpoint DIR] [--kmsg]\n");
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	log_init("stele-onboot");
	/* The caller stores and shows stderr; a copy in the kernel log would
	 * reach the console twice. --kmsg is for callers that do not. */
	log_set_kmsg(false);
	const char *root = "/containers", *runc = NULL, *runc_root = RUNC_DEFAULT_ROOT;
	const char *log_dir = NULL, *state_mountpoint = "/var/lib";
	static const struct option options[] = {
	    {"root", required_argument, NULL, 'r'},
	    {"runc", required_argument, NULL, 'c'},
	    {"runc-root", required_argument, NULL, 's'},
	    {"log-dir", required_argument, NULL, 'l'},
	    {"timeline-dir", required_argument, NULL, 't'},
	    {"state-mountpoint", required_argument, NULL, 'm'},
	    {"kmsg", no_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'r':
			root = optarg;
			break;
		case 'c':
			runc = optarg;
			break;
		case 's':
			runc_root = optarg;
			break;
		case 'l':
			log_dir = optarg;
			break;
		case 't':
			timeline_set_dir(optarg);
			break;
		case 'm':
			state_mountpoint = optarg;
			break;
		case 'k':
			log_set_kmsg(true);
			break;
		case 'h':
			usage(NULL);
			return 0;
		default:
			return usage(NULL);
		}
	}
	if (argc - optind != 2 || strcmp(argv[optind], "run") != 0)
		return usage("expected: run onboot|onshutdown");
	const char *phase = argv[optind + 1];
	if (strcmp(phase, "onboot") != 0 && strcmp(phase, "onshutdown") != 0)
		return usage("the phase is onboot or onshutdown");
	if (!runc && !(runc = runc_find())) {
		log_err("runc not found on PATH: install it or give --runc PATH; no %s containers "
			"run",
			phase);
		return 1;
	}

	char bundles_dir[PATH_MAX], default_log_dir[64];
	snprintf(bundles_dir, sizeof bundles_dir, "%s/%s", root, phase);
	snprintf(default_log_dir, sizeof default_log_dir, "/run/log/%s", phase);
	/* The container's process is orphaned when `runc create` exits; as a
	 * subreaper we inherit it, and its exit status with it. (A foreground
	 * `runc run` reaps its own and exits with the status.) */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		log_warn("PR_SET_CHILD_SUBREAPER: %s: exit codes will be unknown", strerror(errno));
	/* A caller that stops reading our stderr must not kill us mid-container:
	 * the container would be left behind. Children get SIGPIPE back. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		log_warn("ignoring SIGPIPE: %s", strerror(errno));
	if (runner_block_signals() < 0)
		log_warn("sigprocmask: %s", strerror(errno));

	/* LinuxKit's volumes, before any container can bind one. */
	char verr[600];
	if (strcmp(phase, "onboot") == 0 && volumes_setup(root, verr, sizeof verr) < 0)
		log_err("%s; containers binding it see an empty folder", verr);

	struct runner_config cfg = {
	    .phase = phase,
	    .bundles_dir = bundles_dir,
	    .log_dir = log_dir ? log_dir : default_log_dir,
	    .state_mountpoint = state_mountpoint,
	    .runc = {.path = runc, .root = runc_root, .timeout_ms = 60000},
	};
	return (int)runner_run_all(&cfg);
}
