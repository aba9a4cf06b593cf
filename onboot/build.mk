# onboot/: stele-onboot, the runc runner for onboot and onshutdown
# containers (onboot/README.md).

ONBOOT_SRCS := $(wildcard onboot/*.c)
ONBOOT_OBJS := $(ONBOOT_SRCS:%.c=$(OBJ)/%.o)

all: $(BIN)/stele-onboot

$(BIN)/stele-onboot: $(ONBOOT_OBJS) $(LIBHOST) $(LIBSCHEMA) $(LIBSTELE)
	$(call static_link, $(HOSTLIB_LIBS))

TEST_LIBS_test_onboot_bundle := -ljansson
