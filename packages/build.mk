# services/: the shipped packages (OCI image layouts under build/pkg/NAME,
# tag "latest"), built from Debian packages by tools/mkpkg.sh. A package is
# a folder with pkg.conf and files/; it is rebuilt when one of its files or
# the tools change (directories count, so a new link is seen too).
# `make pkgs` builds them all.

PKG_OUT   := $(BUILD)/pkg
PKG_CACHE := $(BUILD)/pkg-cache
PKG_DIRS  := packages/busybox packages/redis packages/getty packages/sshd packages/dhcpcd \
             packages/chrony packages/etcd
PKG_TOOLS := tools/mkpkg.sh tools/mkoci.sh
# Trees a package INCLUDEs from elsewhere (see its pkg.conf).
PKG_EXTRA_getty := $(shell find packages/common -type f -o -type d)
PKG_EXTRA_sshd  := $(PKG_EXTRA_getty)

define pkg_rule
$(PKG_OUT)/$(notdir $(1))/index.json: $(shell find $(1) -type f -o -type d) \
		$(PKG_EXTRA_$(notdir $(1))) $(PKG_TOOLS) | $(DEPS_STAMP)
	sh tools/mkpkg.sh $(1) $(PKG_OUT)/$(notdir $(1)) $(PKG_CACHE)
endef
$(foreach d,$(PKG_DIRS),$(eval $(call pkg_rule,$(d))))

pkgs: $(foreach d,$(PKG_DIRS),$(PKG_OUT)/$(notdir $(d))/index.json)
all: pkgs
.PHONY: pkgs
