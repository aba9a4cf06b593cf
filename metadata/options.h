/* options: stele-metadata's command line (reference in README.md). */
#ifndef STELE_METADATA_OPTIONS_H
#define STELE_METADATA_OPTIONS_H

#include <stdbool.h>

#define DEFAULT_ROOT	  "/run/config"
#define DEFAULT_CMDLINE	  "/proc/cmdline"
#define DEFAULT_FW_CFG	  "/sys/firmware/qemu_fw_cfg/by_name/opt/stele/userdata/raw"
#define DEFAULT_PROVIDERS "aws,gcp,azure,openstack,digitalocean,hetzner"
#define ENDPOINTS_MAX	  8

struct options {
	const char *root;		      /* output directory */
	const char *cmdline;		      /* file holding the kernel command line */
	const char *fw_cfg;		      /* fw_cfg userdata file */
	const char *device;		      /* probe only this block device (NULL: all) */
	bool no_drives;			      /* do not probe block devices */
	const char *providers;		      /* fetch: comma-separated, in order */
	const char *endpoints[ENDPOINTS_MAX]; /* fetch: "NAME=URL" overrides (tests) */
	int endpoint_count;
	int timeout_ms; /* bound on the sandboxed child */
};

/* Exit codes. */
enum {
	EXIT_DONE = 0,	  /* done; rejected keys, if any, were logged */
	EXIT_USAGE = 1,	  /* bad command line or output directory */
	EXIT_CHILD = 2,	  /* the sandboxed child crashed or timed out */
	EXIT_NOTHING = 3, /* fetch: no provider answered */
	EXIT_PARTIAL = 4, /* some files could not be written (logged) */
};

/* Each mode: gather, then write through the sandbox. */
int mode_local(const struct options *o);
int mode_fetch(const struct options *o);

/* Write src under o->root in the sandboxed writer (output.c). Returns an
 * exit code above. */
struct source;
int output_write(const struct options *o, struct source *src);
/* Open (creating it 0755 if missing) the output directory, refusing a
 * symlink. Returns an fd or -1 after logging. */
int output_open(const char *root);

#endif
