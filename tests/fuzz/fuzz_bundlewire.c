/* libFuzzer target for the bundle parser's wire record
 * (supervisor/bundlewire.h): any bytes, as a parser child that a hostile
 * bundle took over could send them. The input is read from a memfd, record
 * after record, until one is refused. Every record taken must be within
 * parsed_bundle's bounds, and sending it again and reading that back must
 * give the same bundle. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/fdio.h"
#include "schema/schema.h"
#include "supervisor/bundlewire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RECORDS 64

static int memfd_with(const void *data, size_t size)
{
	int fd = memfd_create("bundlewire", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (write_all(fd, data, size) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		abort();
	return fd;
}

static void check_bounds(const struct parsed_bundle *b)
{
	if (strlen(b->err) >= BUNDLE_ERR_LEN || strlen(b->late_why) >= BUNDLE_LATE_LEN ||
	    strlen(b->shim_group_name) >= SPEC_SHIM_GROUP_NAME_MAX ||
	    b->conf.n_depends > SCHEMA_DEPENDS_MAX || b->conf.restart.limit < 1 ||
	    b->conf.restart.min_ms < 1)
		abort();
	if (b->ok != (b->spec != NULL) || (b->ok && strlen(b->spec) != b->spec_len) ||
	    (b->ok && b->spec_len == 0) || (!b->ok && (b->early || b->conf.n_depends)))
		abort();
	for (size_t i = 0; i < b->conf.n_depends; i++)
		if (!schema_name_valid(b->conf.depends_on[i]))
			abort();
}

static bool same(const struct parsed_bundle *a, const struct parsed_bundle *b)
{
	const struct svcconf *x = &a->conf, *y = &b->conf;
	if (a->ok != b->ok || a->early != b->early || a->binds_state_dir != b->binds_state_dir ||
	    strcmp(a->err, b->err) || strcmp(a->late_why, b->late_why) ||
	    strcmp(a->shim_group_name, b->shim_group_name) ||
	    memcmp(&x->restart, &y->restart, sizeof x->restart) || x->ready != y->ready ||
	    x->timeout_s != y->timeout_s || x->grace_s != y->grace_s ||
	    x->optional != y->optional || x->binds_state != y->binds_state ||
	    x->console != y->console || x->n_depends != y->n_depends ||
	    a->spec_len != b->spec_len || (a->ok && strcmp(a->spec, b->spec)))
		return false;
	for (size_t i = 0; i < x->n_depends; i++)
		if (strcmp(x->depends_on[i], y->depends_on[i]))
			return false;
	return true;
}

static void check_round_trip(const struct parsed_bundle *b)
{
	int fd = memfd_create("bundlewire-again", MFD_CLOEXEC);
	if (fd < 0 || bundlewire_send(fd, b) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		abort();
	struct parsed_bundle again = {0};
	if (bundlewire_receive(fd, &again, boottime_ms_int() + 5000) != 0 || !same(b, &again))
		abort();
	bundlewire_release(&again);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_with(data, size);
	int64_t deadline = boottime_ms_int() + 5000;
	for (int i = 0; i < MAX_RECORDS; i++) {
		struct parsed_bundle b = {0};
		int rc = bundlewire_receive(fd, &b, deadline);
		if (rc == 0) {
			check_bounds(&b);
			check_round_trip(&b);
		}
		bundlewire_release(&b);
		if (rc != 0)
			break;
	}
	close(fd);
	return 0;
}
