/* config: containerd's config.toml for stele. The point is a fast start
 * under emulation: every plugin stele does not use is disabled (CRI above
 * all, which costs seconds), and every socket lives in the state dir. */
#include "containerd/ctrd.h"
#include "lib/fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Kept in the order of `ctr plugins ls`; containerd logs and skips names
 * it does not know, so the list may name plugins of other versions. */
/* Disabled: what stele never calls (images, content, diff, leases,
 * snapshots, namespaces, health services, GC, the restart monitor).
 * Kept: introspection (`ctr plugins ls` when debugging), the native snapshotter (plain directories:
 * the metadata, tasks and containers services refuse to load without some snapshotter) and the v1
 * runtime (the tasks service requires one v1 runtime plugin). */
static const char *const disabled_plugins[] = {
    "io.containerd.grpc.v1.cri",
    "io.containerd.internal.v1.opt",
    "io.containerd.internal.v1.tracing",
    "io.containerd.tracing.processor.v1.otlp",
    "io.containerd.snapshotter.v1.aufs",
    "io.containerd.snapshotter.v1.btrfs",
    "io.containerd.snapshotter.v1.devmapper",
    "io.containerd.snapshotter.v1.zfs",
    "io.containerd.snapshotter.v1.overlayfs",
};

/* TOML basic strings: refuse what would need escaping rather than escape. */
static bool toml_safe(const char *s)
{
	return s && s[0] && !strpbrk(s, "\"\\\n\r");
}

struct text {
	char buf[4096];
	size_t len;
	bool overflow;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof t->buf - t->len)
		t->overflow = true;
	else
		t->len += (size_t)n;
}

static void render(struct text *t, const struct ctrd_config *cfg, const char *sock)
{
	add(t, "# containerd config written by stele (containerd/config.c)\n");
	add(t, "version = 2\nroot = \"%s\"\nstate = \"%s\"\noom_score = -999\n", cfg->root,
	    cfg->state);
	add(t, "disabled_plugins = [\n");
	for (size_t i = 0; i < sizeof disabled_plugins / sizeof disabled_plugins[0]; i++)
		add(t, "  \"%s\",\n", disabled_plugins[i]);
	add(t, "]\n\n[grpc]\n  address = \"%s\"\n", sock);
	add(t, "\n[ttrpc]\n  address = \"%s/containerd.sock.ttrpc\"\n", cfg->state);
	add(t, "\n[debug]\n  address = \"\"\n  level = \"%s\"\n",
	    cfg->log_level ? cfg->log_level : "warn");
	add(t, "\n[metrics]\n  address = \"\"\n");
}

int ctrd_config_write(const char *path, const struct ctrd_config *cfg)
{
	const char *sock = cfg->sock ? cfg->sock : CTRD_SOCKET;
	if (!toml_safe(cfg->root) || !toml_safe(cfg->state) || !toml_safe(sock) ||
	    (cfg->log_level && !toml_safe(cfg->log_level)))
		return errno = EINVAL, -1;
	struct text text = {.len = 0};
	render(&text, cfg, sock);
	char tmp[4096];
	if (text.overflow || snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return errno = ENAMETOOLONG, -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write_all(fd, text.buf, text.len) < 0 || fsync(fd) < 0) {
		int saved = errno;
		close(fd);
		unlink(tmp);
		return errno = saved, -1;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		int saved = errno;
		unlink(tmp);
		return errno = saved, -1;
	}
	return 0;
}
