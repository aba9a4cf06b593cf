/* stele-mkinitramfs: the initramfs writer on its own, for tests and for
 * images staged by hand. `stele build` uses the same module. */
#include "builder/initramfs.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(void)
{
	fprintf(stderr,
		"usage: stele-mkinitramfs [-c none|gzip|zstd|lz4] [-s OVERRIDES] TREE OUT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int compression = COMPRESS_GZIP;
	const char *overrides = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "c:s:")) != -1) {
		if (opt == 'c' && (compression = initramfs_compression_parse(optarg)) >= 0)
			continue;
		if (opt == 's') {
			overrides = optarg;
			continue;
		}
		usage();
	}
	if (argc - optind != 2)
		usage();
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	return initramfs_write(argv[optind], overrides, argv[optind + 1], compression,
			       epoch ? strtoll(epoch, NULL, 10) : 0, false) == 0
		   ? 0
		   : 1;
}
