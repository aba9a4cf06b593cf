/* stele-mkinitramfs: the initramfs writer on its own, for tests and for
 * images staged by hand. `stele build` uses the same module. */
#include "builder/initramfs.h"
#include "lib/log.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(void)
{
	fprintf(
	    stderr,
	    "usage: stele-mkinitramfs [-c none|gzip|zstd|lz4] [-s OVERRIDES] [-n] TREE OUT\n"
	    "  -n  no dedup: identical files stay separate (only the tree's hard links link)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	log_init_host("stele-mkinitramfs");
	struct initramfs_opts opts = {.compression = COMPRESS_GZIP, .dedup = true};
	const char *overrides = NULL;
	int opt, c;
	while ((opt = getopt(argc, argv, "c:s:n")) != -1) {
		if (opt == 'c' && (c = initramfs_compression_parse(optarg)) >= 0) {
			opts.compression = (enum initramfs_compression)c;
			continue;
		}
		if (opt == 'n') {
			opts.dedup = false;
			continue;
		}
		if (opt == 's') {
			overrides = optarg;
			continue;
		}
		usage();
	}
	if (argc - optind != 2)
		usage();
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	opts.epoch = epoch ? strtoll(epoch, NULL, 10) : 0;
	return initramfs_write(argv[optind], overrides, argv[optind + 1], &opts) == 0 ? 0 : 1;
}
