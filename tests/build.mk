# tests/: cmocka unit tests (tests/unit/test_*.c, one binary each) and the
# integration tests (tests/AREA/*.test), all run by tests/run.
#
# A unit test names the sources it tests in a comment line
#   // sources: boot/sysctl.c lib/log.c
# and links against them and cmocka; nothing else is needed to add one.

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)

unit_sources = $(shell sed -n 's|^// sources: *||p' $(1))

# libstele.a comes after the named sources: what they leave undefined
# (the clock, say) is taken from it, what they define is not.
.SECONDEXPANSION:
$(BUILD)/tests/unit/%: tests/unit/%.c $$(call unit_sources,tests/unit/%.c) $(LIBSTELE) | $(UL)/.done
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-unused-parameter -o $@ $(filter %.c,$^) $(LIBSTELE) \
		$(UL_LIBS) -lcmocka $(TEST_LIBS_$*) $(TEST_LIBS)

TEST_LIBS ?=

# Every fuzz target's corpus replay (test_*_fuzz: YAML, userdata, control
# protocol, notify datagrams) runs under ASan and UBSan in make test.
FUZZ_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=undefined
$(BUILD)/tests/unit/test_%_fuzz: CFLAGS += $(FUZZ_SANITIZE)

# The schema property test's drivers (tests/schema/): the generator walks
# schema/'s tables; schema-boot links the boot-time parsers of init,
# stele-onboot and the supervisor.
SCHEMA_CASES := $(BUILD)/tests/schema-cases
SCHEMA_BOOT := $(BUILD)/tests/schema-boot
$(SCHEMA_CASES): $(OBJ)/tests/schema/cases.o $(LIBSCHEMA)
	$(CC) -o $@ $^ -ljansson
$(SCHEMA_BOOT): $(OBJ)/tests/schema/boot_parse.o $(OBJ)/boot/settings.o $(OBJ)/boot/readfile.o \
		$(OBJ)/state/config.o $(OBJ)/onboot/bundle.o $(OBJ)/supervisor/svcconf.o \
		$(OBJ)/supervisor/bundleparse.o $(OBJ)/supervisor/bundlewire.o $(OBJ)/supervisor/early.o $(OBJ)/supervisor/restart.o \
		$(OBJ)/supervisor/spec.o $(OBJ)/containerd/spec.o $(OBJ)/pid1/testfault.o \
		$(LIBHOST) $(LIBSCHEMA) $(LIBSTELE)
	$(CC) -o $@ $^ -ljansson

# Everything the tests need: binaries, unit tests, the guest kernel.
test-build: all $(UNIT_BINS) $(SCHEMA_CASES) $(SCHEMA_BOOT) kernel
test: deps
	$(MAKE) test-build
	tests/run $(T)

# The reliability suite alone (tests/reliability/rows), with the full 20
# power cuts (make test runs 3). Every tests/run writes
# build/reliability/report.md from the logs it has.
POWER_CUTS ?= 20
test-reliability: deps
	$(MAKE) test-build
	POWER_CUTS=$(POWER_CUTS) tests/run $$(grep -v '^#' tests/reliability/rows | cut -d'|' -f1)

# Thirteen of LinuxKit's own files (tests/config/linuxkit/) booted in qemu;
# make test boots three of them.
test-linuxkit: deps
	$(MAKE) test-build
	LINUXKIT_BOOT=all tests/run config/68-vm-linuxkit-boot

# A/B updates under OVMF (tests/image/70-update.test, seven boots;
# 72-update-rollback.test, ten; 75-update-url.test, eight).
test-update: deps
	$(MAKE) test-build
	UPDATE_TEST=1 tests/run image/70-update image/72-update image/75-update-url

# The long soak: two hours instead of make test's ten minutes.
SOAK_SECONDS ?= 7200
soak: deps
	$(MAKE) test-build
	SOAK_SECONDS=$(SOAK_SECONDS) tests/run reliability/10-soak
.PHONY: test test-build test-reliability test-linuxkit test-update soak
