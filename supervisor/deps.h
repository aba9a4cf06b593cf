/* deps: the dependency graph between services (depends_on).
 *
 * Contract: deps_resolve() turns each node's dependency names into indices
 * and flags what cannot work: a name that is no service, and every node on
 * a cycle. Flagged nodes get a one-line reason in err[i] and must not be
 * started; the others are unaffected (a node that depends on a flagged one
 * simply waits for it, and the supervisor fails it when that one fails). */
#ifndef STELE_DEPS_H
#define STELE_DEPS_H

#include <stddef.h>

#define DEPS_ERR_LEN 256

struct dep_node {
	const char *name;
	char *const *depends_on; /* names */
	size_t n_depends;
	int *dep_index;		/* out: n_depends indices, -1 for an unknown name */
	char err[DEPS_ERR_LEN]; /* out: "" when the node is fine */
};

/* Fills dep_index (allocated by the caller, n_depends entries) and err.
 * Returns the number of flagged nodes. */
size_t deps_resolve(struct dep_node *nodes, size_t n);

#endif
