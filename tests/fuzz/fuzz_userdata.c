/* libFuzzer target: the code that reads hostile bytes first. One input is
 * read as userdata (JSON tree and stele keys), as NoCloud meta-data, as
 * OpenStack meta_data.json and as a kernel command line, and the whole
 * plan for /run/config is built, in memory only. Every planned path must
 * stay relative and free of "..": a violation aborts, which the fuzzer
 * reports as a crash. Built by `make fuzz` (clang, ASan, UBSan) and, as a
 * plain replay of tests/fuzz/corpus, by tests/unit/test_metadata_fuzz.c. */
#include "metadata/hostconf.h"
#include "metadata/meta.h"
#include "metadata/plan.h"
#include "metadata/source.h"
#include "lib/log.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The property that matters: each component is a real name. */
static void check_plan(const struct plan *p)
{
	for (size_t i = 0; i < p->count; i++) {
		const char *part = p->entries[i].path;
		for (;;) {
			size_t n = strcspn(part, "/");
			if (n == 0 || (n == 1 && part[0] == '.') ||
			    (n == 2 && part[0] == '.' && part[1] == '.'))
				abort();
			if (!part[n])
				break;
			part += n + 1;
		}
	}
}

static void plan_source(struct source *src)
{
	struct plan plan = PLAN_INIT;
	source_plan(src, &plan);
	check_plan(&plan);
	plan_free(&plan);
	source_free(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	log_set_level((enum log_level)0); /* silence: every input is rejected somewhere */
	log_set_kmsg(false);
	struct source src;

	source_init(&src);
	src.hc.has_userdata = true;
	buf_append(&src.hc.userdata, data, size);
	plan_source(&src);

	source_init(&src);
	src.meta_format = META_NOCLOUD;
	buf_append(&src.metadata, data, size);
	plan_source(&src);

	source_init(&src);
	src.meta_format = META_OPENSTACK;
	buf_append(&src.metadata, data, size);
	plan_source(&src);

	source_init(&src);
	buf_append(&src.cmdline, data, size < 4096 ? size : 4096);
	source_from_cmdline(&src);
	plan_source(&src);
	return 0;
}
