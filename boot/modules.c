#include "boot/modules.h"

#include "lib/log.h"
#include "boot/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#define MODULES_DEP_MAX	 (4 * 1024 * 1024)
#define MAX_MODULE_NAMES 64

static int load_one(const struct module_step *step, const char *dir)
{
	char path[PATH_MAX];
	if (step->path[0] == '/')
		snprintf(path, sizeof path, "%s", step->path);
	else
		snprintf(path, sizeof path, "%s/%s", dir, step->path);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		log_err("module %s: %s: %s: the image lacks the file", step->name, path,
			strerror(errno));
		return -1;
	}
	/* Compressed modules need MODULE_INIT_COMPRESSED_FILE (kernel 5.17+). */
	unsigned flags = 0;
	if (strstr(step->path, ".ko.") != NULL)
		flags = 4; /* MODULE_INIT_COMPRESSED_FILE */
	long rc = syscall(SYS_finit_module, fd, "", flags);
	int error = errno;
	close(fd);
	if (rc < 0 && error != EEXIST) {
		log_err("module %s: finit_module: %s", step->name, strerror(error));
		return -1;
	}
	log_debug("module %s: %s", step->name, rc < 0 ? "already loaded" : "loaded");
	return 0;
}

int modules_load(const struct module_plan *plan, const char *dir)
{
	bool *failed = calloc(plan->count ? plan->count : 1, sizeof *failed);
	if (!failed) {
		log_err("modules: out of memory");
		return (int)plan->count;
	}
	int failures = 0;
	for (size_t i = 0; i < plan->count; i++) {
		const struct module_step *step = &plan->steps[i];
		const char *missing = NULL;
		for (size_t d = 0; d < step->ndeps && !missing; d++)
			if (failed[step->deps[d]])
				missing = plan->steps[step->deps[d]].name;
		if (missing)
			log_err("module %s: skipped, it needs %s, which failed", step->name,
				missing);
		if (missing || load_one(step, dir) < 0) {
			failed[i] = true;
			failures++;
		}
	}
	free(failed);
	return failures;
}

/* Split the `modules` value in place; returns the number of names. */
static size_t split_names(char *list, const char **names, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *w = strtok_r(list, " \t,", &save); w && n < max;
	     w = strtok_r(NULL, " \t,", &save))
		names[n++] = w;
	return n;
}

int modules_phase(struct settings *settings)
{
	const char *wanted = settings_get(settings, "modules", NULL);
	bool asked = wanted != NULL;
	char *list = strdup(asked ? wanted : MODULES_DEFAULT);
	struct utsname un;
	if (!list || uname(&un) < 0) {
		log_err("modules: %s", strerror(errno));
		free(list);
		return -1;
	}
	const char *names[MAX_MODULE_NAMES];
	size_t count = split_names(list, names, MAX_MODULE_NAMES);
	char dir[128], path[256]; /* a release is at most 64 characters */
	snprintf(dir, sizeof dir, "/lib/modules/%s", un.release);
	snprintf(path, sizeof path, "%s/modules.dep", dir);
	char *dep = count ? read_file(path, MODULES_DEP_MAX, NULL) : NULL;
	if (!dep) {
		/* No modules.dep and nothing asked for: a kernel with all built in. */
		bool problem = count && (asked || errno != ENOENT);
		if (problem)
			log_err("modules: %s: %s: add the kernel's modules to the image", path,
				strerror(errno));
		free(list);
		return problem ? -1 : 0;
	}
	snprintf(path, sizeof path, "%s/modules.builtin", dir);
	char *builtin = read_file(path, MODULES_DEP_MAX, NULL);
	struct module_plan plan = {0};
	int problems = moddep_resolve(dep, builtin, names, count, &plan);
	free(dep);
	free(builtin);
	free(list);
	if (problems < 0)
		return -1;
	problems += modules_load(&plan, dir);
	module_plan_free(&plan);
	return problems;
}
