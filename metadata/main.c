/* stele-metadata: read metadata and userdata, write /run/config.
 *   stele-metadata local [options]   init's early sources
 *   stele-metadata fetch [options]   network providers (stele-metadata-net)
 * Reference: metadata/README.md. */
#include "metadata/options.h"

#include "lib/log.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *to)
{
	fputs("usage: stele-metadata local|fetch [--root DIR] [--timeout MS]\n"
	      "  local: [--cmdline FILE] [--fw-cfg FILE] [--device DEV | --no-drives]\n"
	      "  fetch: [--providers aws,gcp,azure,openstack,digitalocean,hetzner]\n"
	      "         [--endpoint NAME=URL]... (for tests: another base URL)\n",
	      to);
}

static int parse_timeout(const char *text, int *out)
{
	char *end;
	long v = strtol(text, &end, 10);
	if (*text == '\0' || *end != '\0' || v < 100 || v > 600000)
		return -1;
	*out = (int)v;
	return 0;
}

int main(int argc, char **argv)
{
	log_init("stele-metadata");
	struct options o = {
	    .root = DEFAULT_ROOT,
	    .cmdline = DEFAULT_CMDLINE,
	    .fw_cfg = DEFAULT_FW_CFG,
	    .providers = DEFAULT_PROVIDERS,
	    .timeout_ms = 20000,
	};
	static const struct option longopts[] = {
	    {"root", required_argument, NULL, 'r'},
	    {"cmdline", required_argument, NULL, 'c'},
	    {"fw-cfg", required_argument, NULL, 'f'},
	    {"device", required_argument, NULL, 'd'},
	    {"no-drives", no_argument, NULL, 'n'},
	    {"providers", required_argument, NULL, 'p'},
	    {"endpoint", required_argument, NULL, 'e'},
	    {"timeout", required_argument, NULL, 't'},
	    {"debug", no_argument, NULL, 'D'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o.root = optarg;
			break;
		case 'c':
			o.cmdline = optarg;
			break;
		case 'f':
			o.fw_cfg = optarg;
			break;
		case 'd':
			o.device = optarg;
			break;
		case 'n':
			o.no_drives = true;
			break;
		case 'p':
			o.providers = optarg;
			break;
		case 'e':
			if (o.endpoint_count == ENDPOINTS_MAX || !strchr(optarg, '=')) {
				log_err("--endpoint %s: expected NAME=URL, at most %d", optarg,
					ENDPOINTS_MAX);
				return EXIT_USAGE;
			}
			o.endpoints[o.endpoint_count++] = optarg;
			break;
		case 't':
			if (parse_timeout(optarg, &o.timeout_ms) < 0) {
				log_err("--timeout %s: expected milliseconds, 100 to 600000",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'D':
			log_set_level(LOG_DEBUG);
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[optind], "local") == 0)
		return mode_local(&o);
	if (strcmp(argv[optind], "fetch") == 0)
		return mode_fetch(&o);
	log_err("unknown mode \"%s\": use local or fetch", argv[optind]);
	return EXIT_USAGE;
}
