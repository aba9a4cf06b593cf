# hostlib/: host-side code that stele-onboot and stele-supervisor share and
# that needs libmount, libnl or jansson (see README). libhost.a; users link
# HOSTLIB_LIBS after it.
HOSTLIB_SRCS := $(wildcard hostlib/*.c)
HOSTLIB_OBJS := $(HOSTLIB_SRCS:%.c=$(OBJ)/%.o)
LIBHOST := $(OBJ)/libhost.a
HOSTLIB_LIBS := $(UL)/lib/libmount.a $(UL)/lib/libblkid.a -ljansson -lnl-route-3 -lnl-3 \
	-lpthread -lm

$(LIBHOST): $(HOSTLIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

TEST_LIBS_test_onboot_settings := -ljansson
