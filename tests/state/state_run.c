/* state-run: drive the state volume module outside PID 1, on loop
 * devices, with the very code init links. Test tool, not shipped.
 *
 *   state-run [-s STATUS] [-t TIMELINE_DIR] setup KEY=VALUE...
 *       state_volume_run() with init.conf keys; exit 0 when mounted rw
 *   state-run shutdown MOUNTPOINT     state_volume_unmount()
 *   state-run probe DEVICE            print "VERDICT: REASON" (probe in a child)
 *   state-run bind ROOT PATH UID GID MODE   state_bind_source() */
#include "lib/log.h"
#include "state/state.h"
#include "lib/state_bind.h"
#include "state/probe.h"
#include "lib/timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: state-run [-s STATUS] [-t TIMELINE_DIR] setup KEY=VALUE...\n"
			"       state-run shutdown MOUNTPOINT | probe DEVICE |\n"
			"       state-run bind ROOT PATH UID GID MODE\n");
	return 2;
}

static int setup(struct state_config *cfg, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq)
			return usage();
		*eq = '\0';
		char err[300];
		int rc = state_config_set(cfg, argv[i], eq + 1, err, sizeof err);
		if (rc < 0)
			log_err("state: %s", err);
		else if (rc > 0)
			log_err("state: %s: unknown key", argv[i]);
	}
	return state_volume_run(cfg) == 0 ? 0 : 1;
}

static int probe(const char *dev)
{
	struct state_config cfg;
	state_config_defaults(&cfg);
	snprintf(cfg.spec, sizeof cfg.spec, "%s", dev);
	struct probe_result r;
	state_probe_in_child(&cfg, &r);
	printf("%s: %s\n", state_probe_verdict_name(r.verdict), r.reason);
	return 0;
}

static int bind(char **argv)
{
	char err[300];
	int rc = state_bind_source(argv[0], argv[1], (uid_t)atoi(argv[2]), (gid_t)atoi(argv[3]),
				   (mode_t)strtol(argv[4], NULL, 8), err, sizeof err);
	if (rc < 0)
		fprintf(stderr, "state-run: %s\n", err);
	return rc < 0 ? 1 : rc;
}

int main(int argc, char **argv)
{
	log_init("stele");
	log_set_kmsg(false);
	struct state_config cfg;
	state_config_defaults(&cfg);
	int opt;
	while ((opt = getopt(argc, argv, "+s:t:")) != -1) {
		if (opt == 's')
			snprintf(cfg.status_path, sizeof cfg.status_path, "%s", optarg);
		else if (opt == 't')
			timeline_set_dir(optarg);
		else
			return usage();
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return usage();
	if (strcmp(argv[0], "setup") == 0)
		return setup(&cfg, argc - 1, argv + 1);
	if (strcmp(argv[0], "shutdown") == 0 && argc == 2)
		return state_volume_unmount(argv[1]) == 0 ? 0 : 1;
	if (strcmp(argv[0], "probe") == 0 && argc == 2)
		return probe(argv[1]);
	if (strcmp(argv[0], "bind") == 0 && argc == 6)
		return bind(argv + 1);
	return usage();
}
