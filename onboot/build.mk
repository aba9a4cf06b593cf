# onboot/: stele-onboot, the runc runner for onboot and onshutdown
# containers. onboot/metadata/ (another owner) adds its rules through its
# own build.mk, included last.

ONBOOT_SRCS := $(wildcard onboot/*.c)
ONBOOT_OBJS := $(ONBOOT_SRCS:%.c=$(OBJ)/%.o)
# Order matters for static linking: users before the libraries they use.
ONBOOT_LIBS := $(UL)/lib/libmount.a $(UL)/lib/libblkid.a -ljansson -lnl-route-3 -lnl-3 \
	-lpthread -lm

all: $(BIN)/stele-onboot

# bind_sources.c creates state-volume bind sources with init/state_bind.h.
$(OBJ)/onboot/bind_sources.o: CFLAGS += -Iinit
$(BIN)/stele-onboot: $(ONBOOT_OBJS) $(STATE_SHARED_OBJS) $(LIBSTELE)
	$(call static_link, $(ONBOOT_LIBS))

TEST_LIBS_test_onboot_settings := -ljansson
TEST_LIBS_test_onboot_bundle := -ljansson

-include onboot/metadata/build.mk
