# init/: stele's PID 1, one static binary. Files of other owners in init/
# (state*, userdata*) are picked up by the wildcard; a phase they add goes
# into the table in init/main.c.

INIT_SRCS := $(wildcard init/*.c)
INIT_OBJS := $(INIT_SRCS:%.c=$(OBJ)/%.o)
# Users before the libraries they use: static linking resolves left to right.
INIT_LIBS := $(UL)/lib/libmount.a $(UL)/lib/libblkid.a -lnl-route-3 -lnl-3 -lpthread -lm
STELE_VERSION := $(shell git describe --always 2>/dev/null || echo 0.1)

all: $(BIN)/init

$(OBJ)/init/main.o: CFLAGS += -DSTELE_VERSION='"$(STELE_VERSION)"'

$(BIN)/init: $(INIT_OBJS) $(LIBSTELE)
	$(call static_link, $(INIT_LIBS))
	@file $@ | grep -q 'statically linked' || { echo "$@ is not static" >&2; exit 1; }

# Unit tests include init's headers (UL_LIBS, libmount, are linked to all).
$(BUILD)/tests/unit/test_init_%: CFLAGS += -Iinit

