# Host packages, the static util-linux libraries and the guest kernel.
# Each is cached under build/ and rebuilt only when missing.

DEPS_STAMP := $(BUILD)/.deps

deps: $(DEPS_STAMP)
# First, before anything that needs a package (the packages in build/pkg
# need apt and dpkg tools, not only the compilers).
all: $(DEPS_STAMP)
$(DEPS_STAMP): tools/deps.sh
	@mkdir -p $(BUILD)
	sh tools/deps.sh
	@touch $@

$(UL)/.done: tools/util-linux.sh | $(DEPS_STAMP)
	sh tools/util-linux.sh $(UL)

UL_LIBS := $(UL)/lib/libmount.a $(UL)/lib/libfdisk.a $(UL)/lib/libblkid.a $(UL)/lib/libuuid.a

kernel: $(KERNEL)/.done
$(KERNEL)/.done: tools/fetch-kernel.sh | $(DEPS_STAMP)
	sh tools/fetch-kernel.sh $(KERNEL)
.PHONY: kernel
