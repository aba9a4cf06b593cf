/* unmount: take every filesystem down at shutdown.
 *
 * Contract: unmount_plan() lists the targets of a libmount table in the
 * order to unmount them: newest mount first (reverse table order), moved
 * so that a mount always comes before any mount it contains; "/" is left
 * out (it is read-only already). unmount_all() reads /proc/self/mountinfo
 * and unmounts each target; one that stays busy is remounted read-only
 * instead: the superblock for block-device filesystems (so the journal is
 * clean), the mount alone for the others (never a superblock a test shares
 * with its host). Each unmount and remount runs in a child bounded to
 * 30 s, so a disk that does not answer costs at most that per target and
 * one line ("unmount T: timed out ... ; going on"). Returns the number
 * of targets left mounted read-write (or in doubt). */
#ifndef STELE_INIT_UNMOUNT_H
#define STELE_INIT_UNMOUNT_H

#include <libmount/libmount.h>
#include <stddef.h>

/* *targets: a malloc'd array of malloc'd strings (unmount_plan_free()).
 * Returns the count, or -1 when out of memory. */
int unmount_plan(struct libmnt_table *table, char ***targets);
void unmount_plan_free(char **targets, int count);

int unmount_all(void);

#endif
