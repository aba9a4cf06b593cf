/* options: stele-supervisor's settings, from its command line (main.c).
 *
 * Contract: filled once by main before any module starts; every module
 * gets a pointer to them and only reads. The defaults and meanings are in
 * README.md (stele-supervisor's options). */
#ifndef STELE_OPTIONS_H
#define STELE_OPTIONS_H

#include <stdbool.h>
#include <sys/types.h>

struct sv_options {
	const char *containers;	      /* /containers */
	const char *run_dir;	      /* /run/stele */
	const char *log_dir;	      /* /var/log */
	const char *containerd_bin;   /* /usr/bin/containerd */
	const char *containerd_state; /* /run/containerd */
	const char *containerd_root;  /* NULL: by the state volume's status */
	const char *state_mountpoint; /* /var/lib */
	const char *onboot_bin;	      /* /sbin/stele-onboot */
	const char *config_dir;	      /* /run/config: userdata's services lists */
	const char *ns;		      /* containerd namespace, "stele" */
	bool no_onboot;
	bool log_dir_given;	  /* --log-dir: used as is, never bound to the volume */
	int containerd_timeout_s; /* for containerd to answer */
	int shutdown_timeout_s;	  /* global bound of the shutdown */
	off_t log_max_size;
};

#endif
