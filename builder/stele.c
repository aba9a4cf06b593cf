/* stele: the host CLI. `stele build` turns a YAML file into an image;
 * `stele run` boots one in qemu (it execs stele-run, beside this binary). */
#include "builder/build.h"

#include "builder/formats.h"
#include "builder/fsutil.h"
#include "lib/log.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fputs("usage: stele build [-o DIR] [--format FORMAT[,FORMAT...]] [--size SIZE]\n"
	      "                   [--sign-key KEY.pem --sign-cert CERT.pem]\n"
	      "                   [--compression none|gzip|zstd|lz4] [--pkg-dir DIR] [--bin-dir "
	      "DIR]\n"
	      "                   [--kernel-dir DIR] [--keep-tree] [--no-dedup] FILE.yml "
	      "[MORE.yml...]\n"
	      "  formats: kernel+initrd (default), iso, uki, raw-efi, raw-bios, qcow2, vhd, vmdk, "
	      "gcp\n"
	      "       stele run [options] DIR/NAME      (stele run --help)\n",
	      f);
}

/* The folder of this executable: stele's other binaries live beside it. */
static void self_dir(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n < 0) {
		snprintf(out, len, "/usr/lib/stele");
		return;
	}
	exe[n] = '\0';
	snprintf(out, len, "%s", dirname(exe));
}

/* DIR/../SUB when it exists (a build tree), else the installed path. */
static void default_dir(const char *bin, const char *sub, const char *installed, char *out,
			size_t len)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof path, "%s/../%s", bin, sub);
	if (is_dir(path) && realpath(path, out))
		return;
	snprintf(out, len, "%s", installed);
}

/* The folder an option names, made absolute now: the builder changes its
 * working directory while it unpacks layers. */
static int absolute_dir(const char *option, const char *arg, char *out)
{
	const char *why = NULL;
	if (!realpath(arg, out))
		why = strerror(errno);
	else if (!is_dir(out))
		why = "not a folder";
	if (why)
		log_msg_as(LOG_ERR, "stele build", "--%s %s: %s; give an existing folder", option,
			   arg, why);
	return why ? -1 : 0;
}

static int cmd_build(int argc, char **argv)
{
	static char bin[PATH_MAX], pkg[PATH_MAX], kernel[PATH_MAX];
	self_dir(bin, sizeof bin);
	default_dir(bin, "pkg", "/usr/share/stele/pkg", pkg, sizeof pkg);
	default_dir(bin, "kernel", "/usr/share/stele/kernel", kernel, sizeof kernel);
	struct build_opts o = {.out_dir = ".",
			       .formats = FORMAT_BIT(FORMAT_KERNEL_INITRD),
			       .compression = COMPRESS_LZ4,
			       .pkg_dir = pkg,
			       .bin_dir = bin,
			       .kernel_dir = kernel};
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	o.epoch = epoch ? strtoll(epoch, NULL, 10) : 0;
	static const struct option opts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"format", required_argument, NULL, 'f'},
	    {"compression", required_argument, NULL, 'c'},
	    {"pkg-dir", required_argument, NULL, 'p'},
	    {"bin-dir", required_argument, NULL, 'b'},
	    {"kernel-dir", required_argument, NULL, 'k'},
	    {"keep-tree", no_argument, NULL, 't'},
	    {"size", required_argument, NULL, 's'},
	    {"sign-key", required_argument, NULL, 'K'},
	    {"sign-cert", required_argument, NULL, 'C'},
	    {"no-dedup", no_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	int opt, c;
	while ((opt = getopt_long(argc, argv, "o:f:c:", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			o.out_dir = optarg;
			break;
		case 'f':
			if (formats_parse(optarg, &o.formats) < 0)
				return 2;
			break;
		case 's':
			if (size_parse(optarg, &o.size) < 0)
				return 2;
			o.size_text = optarg;
			break;
		case 'K':
			o.sign_key = optarg;
			break;
		case 'C':
			o.sign_cert = optarg;
			break;
		case 'c':
			if ((c = initramfs_compression_parse(optarg)) < 0) {
				log_msg_as(LOG_ERR, "stele build",
					   "--compression %s: expected none, gzip, zstd "
					   "or lz4",
					   optarg);
				return 2;
			}
			o.compression = (enum initramfs_compression)c;
			break;
		case 'p':
			if (absolute_dir("pkg-dir", optarg, pkg) < 0)
				return 2;
			break;
		case 'b':
			if (absolute_dir("bin-dir", optarg, bin) < 0)
				return 2;
			break;
		case 'k':
			if (absolute_dir("kernel-dir", optarg, kernel) < 0)
				return 2;
			break;
		case 't':
			o.keep_tree = true;
			break;
		case 'n':
			o.no_dedup = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind < 1) {
		usage(stderr);
		return 2;
	}
	if (!o.sign_key != !o.sign_cert) {
		log_msg_as(LOG_ERR, "stele build",
			   "--sign-key and --sign-cert go together; give both");
		return 2;
	}
	o.yml = argv[optind];
	o.ymls = (const char *const *)argv + optind;
	o.n_yml = (size_t)(argc - optind);
	return build_image(&o);
}

static int cmd_run(char **argv)
{
	char bin[PATH_MAX], run[PATH_MAX + 16];
	self_dir(bin, sizeof bin);
	snprintf(run, sizeof run, "%s/stele-run", bin);
	argv[0] = run;
	execv(run, argv);
	log_msg_as(LOG_ERR, "stele run", "cannot run %s: %s", run, strerror(errno));
	return 127;
}

int main(int argc, char **argv)
{
	log_init_host("stele");
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "build") == 0)
		return cmd_build(argc - 1, argv + 1);
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argv + 1);
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	log_err("unknown command \"%s\"", argv[1]);
	usage(stderr);
	return 2;
}
