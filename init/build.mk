# init/: stele's PID 1, two static binaries (init/README.md, "Two stages").
#
# build/bin/init, stage 1: the boot phases and the filesystem part of the
# shutdown; glibc, libmount, libblkid, libnl. Files of other owners in
# init/ (state*, userdata*) are picked up by the wildcard; a phase they add
# goes into the table in init/main.c.
#
# build/bin/stele-pid1, the resident PID 1: only the files in PID1_SRCS,
# built with Debian's musl (musl-gcc -static -Os, package musl-tools) so
# that its pages, PID 1's memory for the life of the host, stay few.
# Without musl-gcc it is built with $(CC) and glibc: it works, only larger.

PID1_SRCS := init/pid1_main.c init/pid1_config.c init/eventloop.c init/shutdown_procs.c \
             init/power.c init/supervise.c init/signals.c init/reap.c init/crash.c \
             lib/log.c lib/spawn.c lib/timeline.c

INIT_SRCS := $(filter-out init/pid1_main.c,$(wildcard init/*.c))
INIT_OBJS := $(INIT_SRCS:%.c=$(OBJ)/%.o)
# Users before the libraries they use: static linking resolves left to right.
INIT_LIBS := $(UL)/lib/libmount.a $(UL)/lib/libblkid.a -lnl-route-3 -lnl-3 -lpthread -lm
STELE_VERSION := $(shell git describe --always 2>/dev/null || echo 0.1)

all: $(BIN)/init $(BIN)/stele-pid1

$(OBJ)/init/main.o: CFLAGS += -DSTELE_VERSION='"$(STELE_VERSION)"'

$(BIN)/init: $(INIT_OBJS) $(LIBSTELE)
	$(call static_link, $(INIT_LIBS))
	@file $@ | grep -q 'statically linked' || { echo "$@ is not static" >&2; exit 1; }

# One compiler call for the whole program: which compiler is decided when
# the rule runs, after tools/deps.sh has installed musl-tools. No
# _FORTIFY_SOURCE: musl's headers do not implement it.
PID1_CFLAGS := -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 \
               -Os -fstack-protector-strong -ffunction-sections -fdata-sections \
               -fno-asynchronous-unwind-tables -Ilib -Iinit

$(BIN)/stele-pid1: $(PID1_SRCS) $(wildcard init/*.h lib/*.h) init/build.mk | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@if command -v musl-gcc >/dev/null 2>&1; then pid1_cc=musl-gcc; else \
		pid1_cc="$(CC)"; \
		echo "warning: musl-gcc not found (apt-get install musl-tools): $@ built with $(CC) and glibc, PID 1 will be larger" >&2; \
	fi; \
	echo "$$pid1_cc $(PID1_CFLAGS) -static -Wl,--gc-sections -o $@ $(PID1_SRCS)"; \
	$$pid1_cc $(PID1_CFLAGS) -static -Wl,--gc-sections -o $@ $(PID1_SRCS)
	$(STRIP) $@
	@printf '  %-28s %8d bytes (static, stripped)\n' $@ $$(stat -c %s $@)
	@file $@ | grep -q 'statically linked' || { echo "$@ is not static" >&2; exit 1; }

# Unit tests include init's headers (UL_LIBS, libmount, are linked to all).
$(BUILD)/tests/unit/test_init_%: CFLAGS += -Iinit
