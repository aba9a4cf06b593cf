/* fetch: the network providers, tried in the configured order inside the
 * network sandbox; the first that answers wins and is written like a local
 * source. The parent then applies the host name (it keeps CAP_SYS_ADMIN,
 * the child has none). */
#include "metadata/options.h"

#include "metadata/hostconf.h"
#include "metadata/limits.h"
#include "lib/log.h"
#include "metadata/netconf.h"
#include "metadata/plan.h"
#include "metadata/providers.h"
#include "metadata/sandbox.h"
#include "metadata/validate.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct chosen {
	const struct provider *provider;
	const char *base;
};

struct fetch_job {
	char tried[256]; /* the names, for the log */
	struct chosen list[16];
	size_t count;
	int rootfd;
};

static const char *endpoint_for(const struct options *o, const char *name)
{
	size_t len = strlen(name);
	for (int i = 0; i < o->endpoint_count; i++)
		if (strncmp(o->endpoints[i], name, len) == 0 && o->endpoints[i][len] == '=')
			return o->endpoints[i] + len + 1;
	return PROVIDER_DEFAULT_BASE;
}

/* A typo in a test's --endpoint would silently test the real address. */
static int endpoints_valid(const struct options *o)
{
	for (int i = 0; i < o->endpoint_count; i++) {
		char name[32];
		const char *e = o->endpoints[i];
		snprintf(name, sizeof name, "%.*s", (int)strcspn(e, "="), e);
		const char *url = e + strcspn(e, "=") + 1;
		if (!provider_find(name) || strncmp(url, "http://", 7) != 0) {
			log_err("--endpoint %s: expected PROVIDER=http://HOST[:PORT], PROVIDER one "
				"of %s",
				e, DEFAULT_PROVIDERS);
			return -1;
		}
	}
	return 0;
}

static int choose(const struct options *o, struct fetch_job *job)
{
	char list[256];
	snprintf(list, sizeof list, "%s", o->providers);
	char *save = NULL;
	for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		const struct provider *p = provider_find(name);
		if (!p) {
			log_err("--providers: unknown provider \"%s\" skipped (use %s)", name,
				DEFAULT_PROVIDERS);
			continue;
		}
		if (job->count < sizeof job->list / sizeof job->list[0])
			job->list[job->count++] = (struct chosen){p, endpoint_for(o, name)};
	}
	return job->count ? 0 : -1;
}

static int fetch_in_child(void *arg)
{
	struct fetch_job *job = arg;
	for (size_t i = 0; i < job->count; i++) {
		struct source src;
		source_init(&src);
		if (job->list[i].provider->fetch(job->list[i].base, &src) != 1) {
			log_debug("%s: no answer", job->list[i].provider->name);
			source_free(&src);
			continue;
		}
		log_info("metadata from %s", src.hc.provider);
		struct plan plan = PLAN_INIT;
		source_plan(&src, &plan);
		int failures = plan_write(job->rootfd, &plan);
		plan_free(&plan);
		source_free(&src);
		return failures ? EXIT_PARTIAL : EXIT_DONE;
	}
	log_warn("no metadata provider answered (tried %s)", job->tried);
	return EXIT_NOTHING;
}

/* The child wrote the name; it was checked there and is checked again. */
static void apply_hostname(int rootfd)
{
	struct buf name = BUF_INIT;
	int fd = openat(rootfd, "hostname", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || read_fd_capped(fd, 80, &name) < 0) {
		if (fd >= 0)
			close(fd);
		buf_free(&name);
		return;
	}
	close(fd);
	while (name.len && name.data[name.len - 1] == '\n')
		name.data[--name.len] = '\0';
	if (!check_hostname(name.data) && sethostname(name.data, name.len) < 0)
		log_warn("sethostname %s: %s (init applies /run/config/hostname at next boot)",
			 name.data, strerror(errno));
	buf_free(&name);
}

int mode_fetch(const struct options *o)
{
	struct fetch_job job = {.count = 0};
	if (endpoints_valid(o) < 0)
		return EXIT_USAGE;
	if (choose(o, &job) < 0) {
		log_err("--providers %s: no known provider", o->providers);
		return EXIT_USAGE;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		log_err("libcurl initialisation failed; no network metadata");
		return EXIT_CHILD;
	}
	/* Also opens /dev/kmsg, which the chrooted child could not. */
	log_info("asking metadata providers in order: %s", job.tried);
	job.rootfd = output_open(o->root);
	if (job.rootfd < 0)
		return EXIT_USAGE;
	int r = sandbox_run("metadata fetch", SANDBOX_NETWORK, job.rootfd, fetch_in_child, &job,
			    o->timeout_ms);
	if (r == EXIT_DONE || r == EXIT_PARTIAL) {
		apply_hostname(job.rootfd);
		netconf_apply(job.rootfd);
	}
	close(job.rootfd);
	curl_global_cleanup();
	return r < 0 ? EXIT_CHILD : r;
}
