#include "metadata/source.h"

#include "metadata/base64.h"
#include "metadata/limits.h"
#include "lib/log.h"
#include "metadata/meta.h"
#include "metadata/userdata.h"

#include <stdio.h>
#include <string.h>

void source_init(struct source *src)
{
	memset(src, 0, sizeof *src);
	hostconf_init(&src->hc);
}

void source_free(struct source *src)
{
	hostconf_free(&src->hc);
	buf_free(&src->metadata);
	buf_free(&src->cmdline);
	source_init(src);
}

long cmdline_value(const char *cmdline, const char *key, const char **value)
{
	size_t klen = strlen(key);
	long found = -1;
	for (const char *word = cmdline; *word;) {
		size_t n = strcspn(word, " \t\n");
		if (n > klen && memcmp(word, key, klen) == 0 && word[klen] == '=') {
			*value = word + klen + 1;
			found = (long)(n - klen - 1);
		}
		word += n;
		word += strspn(word, " \t\n");
	}
	return found;
}

int source_from_cmdline(struct source *src)
{
	const char *text;
	long len =
	    cmdline_value(src->cmdline.data ? src->cmdline.data : "", "stele.userdata", &text);
	if (len < 0)
		return 0;
	buf_reset(&src->hc.userdata);
	if (base64_decode(text, (size_t)len, &src->hc.userdata) < 0) {
		log_err("stele.userdata=: not valid base64; encode it with `base64 -w0`");
		buf_reset(&src->hc.userdata);
		return -1;
	}
	src->hc.provider = "cmdline";
	src->hc.has_userdata = true;
	return 1;
}

static void cmdline_hostname(struct source *src)
{
	const char *text;
	long len =
	    cmdline_value(src->cmdline.data ? src->cmdline.data : "", "stele.hostname", &text);
	if (len < 0)
		return;
	char name[80];
	snprintf(name, sizeof name, "%.*s", (int)(len < 79 ? len : 79), text);
	hostconf_set_hostname(&src->hc, name, HOSTNAME_CMDLINE, "stele.hostname=");
}

void source_plan(struct source *src, struct plan *p)
{
	struct hostconf *hc = &src->hc;
	if (src->meta_format == META_NOCLOUD)
		meta_parse_nocloud(hc, src->metadata.data, src->metadata.len);
	else if (src->meta_format == META_OPENSTACK)
		meta_parse_openstack(hc, src->metadata.data, src->metadata.len);
	if (hc->has_userdata)
		userdata_parse(hc->userdata.data, hc->userdata.len, p, hc);
	cmdline_hostname(src);
	if (hostconf_plan(hc, p) < 0)
		log_err("out of memory while planning /run/config; some files are missing");
}
