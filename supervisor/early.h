/* early: may a service be created while onboot runs?
 *
 * A service's container and task are created (runc create: namespaces,
 * mounts, `runc init` waiting) during the onboot phase and started when
 * onboot ends, but only when the result cannot differ from creating it
 * after onboot. What runc create fixes is what it resolves then: bind
 * sources, namespaces joined by path, hooks, sysctls, the host side's
 * mkdir and mounts. So a service is created after onboot when (the rule
 * in docs/design.md, "Creating services during onboot"):
 *   - it has depends_on, joins a namespace by path, has OCI hooks or
 *     sysctls, or its stele.json has runtime.mounts;
 *   - it has a bind and some onboot container has CAP_SYS_ADMIN (it may
 *     mount anywhere);
 *   - one of its paths (bind sources, root, runtime.mkdir) is, contains or
 *     lies under a path an onboot container can write or mount over (a
 *     bind without "ro", runtime.mkdir, runtime.mounts' destinations,
 *     runtime.bindNS paths).
 *
 * Contract: early_reach_load() reads every onboot bundle under DIR
 * (CONTAINERS/onboot); a bundle it cannot read makes every service late.
 * early_verdict() returns true when the service may be created early, else
 * false with the reason in why. Runs in the bundle parser's child. */
#ifndef STELE_EARLY_H
#define STELE_EARLY_H

#include <stdbool.h>
#include <stddef.h>

struct early_path {
	char path[4096];
	char owner[72]; /* the onboot container */
};

struct early_reach {
	struct early_path *writes;
	size_t n_writes;
	char mounts_changer[72]; /* an onboot container with CAP_SYS_ADMIN; "" none */
	char unreadable[200];	 /* an onboot bundle that could not be read; "" none */
};

void early_reach_load(const char *onboot_dir, struct early_reach *r);
void early_reach_free(struct early_reach *r);
bool early_verdict(const struct early_reach *r, const char *spec, size_t len,
		   const char *service_dir, size_t n_depends, char *why, size_t whylen);

#endif
