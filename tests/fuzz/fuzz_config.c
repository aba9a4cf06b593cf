/* libFuzzer target for the builder's front end: the YAML loader and its
 * checks (schema_load), the image label merge (spec_merge) and the spec
 * generation (spec_config, spec_stele) for every container it accepts.
 *
 * Input: YAML, optionally followed by a NUL byte and the image label
 * (org.mobyproject.config, JSON) every container is merged with: the
 * label is an image's, so it is not schema-checked and may hold anything.
 * Nothing is unpacked; user names resolve against a rootfs that does not
 * exist. Bad input must give errors, never a crash or a leak. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <jansson.h>

#include "builder/schema.h"
#include "builder/spec.h"
#include "lib/log.h"

static void build_specs(const struct config *cfg, const char *label)
{
	json_t *image = json_pack("{s:{s:s},s:[s],s:[s],s:s}", "Labels", "org.mobyproject.config",
				  label, "Entrypoint", "/bin/sh", "Env", "PATH=/bin", "User", "0");
	for (size_t s = 0; s < 3; s++) {
		size_t i;
		json_t *entry;
		json_array_foreach(json_object_get(cfg->root, schema_sections[s]), i, entry)
		{
			json_t *merged = spec_merge(entry, image);
			json_decref(spec_config(merged, image, "/nonexistent-rootfs",
						"fuzz.yml:1: services[0]"));
			json_decref(spec_stele(merged, "/var/lib"));
			json_decref(merged);
		}
	}
	json_decref(image);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	log_init_host("stele");
	const uint8_t *nul = memchr(data, '\0', size);
	size_t yaml_len = nul ? (size_t)(nul - data) : size;
	char label[4096] = "{}";
	if (nul) {
		size_t n = size - yaml_len - 1;
		n = n < sizeof label - 1 ? n : sizeof label - 1;
		memcpy(label, nul + 1, n);
		label[n] = '\0';
	}
	int fd = memfd_create("fuzz.yml", MFD_CLOEXEC);
	if (fd < 0 || write(fd, data, yaml_len) != (ssize_t)yaml_len) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct config cfg;
	if (schema_load(path, &cfg) == 0) {
		build_specs(&cfg, label);
		schema_free(&cfg);
	}
	close(fd);
	return 0;
}
