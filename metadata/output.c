/* output: hand a gathered source to the sandboxed writer. */
#include "metadata/options.h"

#include "lib/log.h"
#include "metadata/netconf.h"
#include "metadata/plan.h"
#include "metadata/sandbox.h"
#include "metadata/source.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int output_open(const char *root)
{
	if (mkdir(root, 0755) < 0 && errno != EEXIST) {
		log_err("%s: cannot create the output directory: %s", root, strerror(errno));
		return -1;
	}
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		log_err("%s: cannot open the output directory: %s%s", root, strerror(errno),
			errno == ELOOP || errno == ENOTDIR ? " (remove what is there)" : "");
	return fd;
}

struct writer_job {
	struct source *src;
	int rootfd;
};

static int write_in_child(void *arg)
{
	struct writer_job *job = arg;
	struct plan plan = PLAN_INIT;
	source_plan(job->src, &plan);
	int failures = plan_write(job->rootfd, &plan);
	plan_free(&plan);
	return failures ? EXIT_PARTIAL : EXIT_DONE;
}

int output_write(const struct options *o, struct source *src)
{
	int rootfd = output_open(o->root);
	if (rootfd < 0)
		return EXIT_USAGE;
	struct writer_job job = {src, rootfd};
	int r = sandbox_run("userdata writer", SANDBOX_WRITER, rootfd, write_in_child, &job,
			    o->timeout_ms);
	if (r >= 0)
		netconf_apply(rootfd);
	close(rootfd);
	return r < 0 ? EXIT_CHILD : r;
}
