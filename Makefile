# stele: top-level build. Each folder contributes its rules through its own
# build.mk; this file holds only what they share. Everything lands in build/.

BUILD   := build
BIN     := $(BUILD)/bin
OBJ     := $(BUILD)/obj
UL      := $(BUILD)/util-linux
KERNEL  := $(BUILD)/kernel

CC      ?= gcc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 \
           -fstack-protector-strong -D_FORTIFY_SOURCE=2 -MMD -MP \
           -I. -I$(UL)/include -I$(BUILD)/gen \
           $(shell pkg-config --cflags libnl-3.0 2>/dev/null)
# Static binaries go into images with no shared libraries beside them.
STATIC  := -static -Wl,--gc-sections
STRIP   ?= strip

.PHONY: all deps test run image bench fuzz fleet clean distclean format
all:

# Folders in boot order, each after the ones it links (a rule's
# prerequisites are expanded where it is read).
include tools/deps.mk
include lib/build.mk
include schema/build.mk
include hostlib/build.mk
include state/build.mk
include pid1/build.mk
include boot/build.mk
include metadata/build.mk
include onboot/build.mk
include containerd/build.mk
include supervisor/build.mk
include update/build.mk
include ctl/build.mk
include packages/build.mk
include builder/build.mk
include tests/build.mk
include tests/fleet/build.mk
include bench/build.mk

# Build a static binary from objects: link, strip, and say how big it is,
# because size is a feature of an init.
define static_link
	@mkdir -p $(dir $@)
	$(CC) $(STATIC) -o $@ $^ $(1)
	$(STRIP) $@
	@printf '  %-28s %8d bytes (static, stripped)\n' $@ $$(stat -c %s $@)
endef

$(OBJ)/%.o: %.c | $(UL)/.done
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(OBJ) $(BIN) $(BUILD)/tests $(BUILD)/image $(BUILD)/gen

distclean:
	rm -rf $(BUILD)

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)
