/* fetch_none: the static stele-metadata has no network providers, so that
 * init's binary needs no libcurl; stele-metadata-net has them. */
#include "metadata/options.h"

#include "lib/log.h"

int mode_fetch(const struct options *o)
{
	(void)o;
	log_err("fetch: this build has no network providers; run stele-metadata-net fetch");
	return EXIT_USAGE;
}
