/* tool: the external programs the output formats run (objcopy, sbsign,
 * mkfs.vfat, mtools, syslinux, xorriso, qemu-img, tar).
 *
 * Contract: tool_missing() names the Debian package of the first absent
 * program of a list, so a build can refuse before any work. tool_run()
 * runs one program to completion within a bound, its output kept in
 * LOG (a file in the build's scratch folder); on failure it prints one
 * line, "stele: WHAT: PROGRAM failed (STATUS): LAST LINE OF ITS OUTPUT",
 * and returns -1. */
#ifndef STELE_BUILDER_TOOL_H
#define STELE_BUILDER_TOOL_H

struct tool {
	const char *path;    /* a program or a data file it needs */
	const char *package; /* the Debian package that ships it */
};

/* The first entry of a {NULL}-terminated list whose path is absent, or NULL. */
const struct tool *tool_missing(const struct tool *list);

/* Run argv (argv[0] a full path) within timeout_s seconds. */
int tool_run(const char *what, char *const argv[], const char *log, int timeout_s);

/* The environment every tool runs with: UTC, mtools without its geometry
 * check, and SOURCE_DATE_EPOCH, the one date file systems record. */
void tool_environment(long long epoch);

#endif
