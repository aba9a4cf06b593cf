/* meta: parse meta-data documents into a hostconf.
 *
 * NoCloud meta-data is YAML; stele reads the subset cloud-localds and
 * platforms write: top-level "key: value" lines (quotes stripped), a
 * "public-keys:" list of "- KEY" lines, or the same as a JSON object.
 * instance-id, local-hostname and every other scalar become meta-data/KEY;
 * local-hostname (or hostname) is the host name.
 * OpenStack meta_data.json: uuid (instance-id), hostname, name,
 * availability_zone, project_id, and public_keys {NAME: KEY}.
 * Unknown or malformed lines are skipped with one log line each. */
#ifndef STELE_METADATA_META_H
#define STELE_METADATA_META_H

#include "metadata/hostconf.h"

void meta_parse_nocloud(struct hostconf *hc, const char *data, size_t len);
void meta_parse_openstack(struct hostconf *hc, const char *data, size_t len);

#endif
