# boot/: build/bin/init, stage 1 of PID 1 (boot/README.md): the boot phases
# and the filesystem part of the shutdown; glibc, libmount, libfdisk, libblkid,
# libuuid, libnl,
# static. It links the state volume (state/) and pid1/'s loop for its
# fallback when stele-pid1 cannot be exec'd.

BOOT_SRCS := $(wildcard boot/*.c)
BOOT_OBJS := $(BOOT_SRCS:%.c=$(OBJ)/%.o)
# Users before the libraries they use: static linking resolves left to right.
BOOT_LIBS := $(UL_LIBS) -lnl-route-3 -lnl-3 -lpthread -lm
STELE_VERSION := $(shell git describe --always 2>/dev/null || echo 0.1)

all: $(BIN)/init

$(OBJ)/boot/main.o: CFLAGS += -DSTELE_VERSION='"$(STELE_VERSION)"'

$(BIN)/init: $(BOOT_OBJS) $(STATE_OBJS) $(PID1_LIB_OBJS) $(LIBSCHEMA) $(LIBSTELE)
	$(call static_link, $(BOOT_LIBS))
	@file $@ | grep -q 'statically linked' || { echo "$@ is not static" >&2; exit 1; }
