/* local: the sources init can read before the network exists, in order of
 * precedence: stele.userdata= on the command line, qemu fw_cfg, a NoCloud
 * cidata volume, an OpenStack config drive. The first that has userdata or
 * meta-data wins; stele.hostname= applies whatever the source. */
#include "metadata/options.h"

#include "metadata/drive.h"
#include "metadata/limits.h"
#include "lib/log.h"
#include "metadata/source.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

static void read_cmdline(const struct options *o, struct source *src)
{
	if (read_file_capped(AT_FDCWD, o->cmdline, CMDLINE_MAX, &src->cmdline) < 0) {
		log_err("%s: %s; command-line userdata ignored", o->cmdline, strerror(errno));
		buf_reset(&src->cmdline);
	}
}

/* The file exists only when qemu ran with -fw_cfg name=opt/stele/userdata
 * and the qemu_fw_cfg module is loaded. */
static int read_fw_cfg(const struct options *o, struct source *src)
{
	if (read_file_capped(AT_FDCWD, o->fw_cfg, USERDATA_RAW_MAX, &src->hc.userdata) < 0) {
		int err = errno;
		buf_reset(&src->hc.userdata);
		if (err == ENOENT)
			return 0;
		log_err("%s: %s; fw_cfg userdata ignored", o->fw_cfg,
			err == EFBIG ? "larger than 16 MiB" : strerror(err));
		return -1;
	}
	src->hc.provider = "fw_cfg";
	src->hc.has_userdata = true;
	return 1;
}

static int gather(const struct options *o, struct source *src)
{
	read_cmdline(o, src);
	if (source_from_cmdline(src) == 1 || read_fw_cfg(o, src) == 1)
		return 1;
	if (o->no_drives)
		return 0;
	return drive_read(o->device, src); /* -1: already reported */
}

int mode_local(const struct options *o)
{
	struct source src;
	source_init(&src);
	int found = gather(o, &src);
	const char *text;
	bool hostname =
	    cmdline_value(src.cmdline.data ? src.cmdline.data : "", "stele.hostname", &text) >= 0;
	int r = EXIT_DONE;
	if (found == 1 || hostname) {
		log_info("local metadata from %s", src.hc.provider ? src.hc.provider : "cmdline");
		r = output_write(o, &src);
	} else if (found == 0) {
		log_info("no local metadata source (cmdline, fw_cfg, cidata, config-2)");
	}
	source_free(&src);
	return r;
}
