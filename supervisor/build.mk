# supervisor/: stele-supervisor (static, stripped, goes into images). The
# containerd client comes from containerd/build.mk (CTRD_CFLAGS, CTRD_LIBS),
# runtime.mkdir/mounts and bind sources from hostlib/.

SUPERVISOR_SRCS := $(wildcard supervisor/*.c)
SUPERVISOR_OBJS := $(SUPERVISOR_SRCS:%.c=$(OBJ)/%.o)

$(SUPERVISOR_OBJS): CFLAGS += $(CTRD_CFLAGS)
$(SUPERVISOR_OBJS): | $(CTRD_GEN_STAMP)

$(BIN)/stele-supervisor: $(SUPERVISOR_OBJS) $(LIBHOST) $(LIBSCHEMA) $(CTRD_LIB) $(LIBSTELE)
	$(call static_link, $(CTRD_LIBS) $(HOSTLIB_LIBS))

all: $(BIN)/stele-supervisor

TEST_LIBS_test_supervisor_svcconf := -ljansson
TEST_LIBS_test_supervisor_bundleparse := -ljansson
TEST_LIBS_test_supervisor_bundlewire_fuzz := -ljansson
TEST_LIBS_test_supervisor_bundlewire := -ljansson
$(BUILD)/tests/unit/test_supervisor_bundleparse: CFLAGS += $(CTRD_CFLAGS)

# A static sd_notify sender for test services (busybox has none).
$(BUILD)/tests/supervisor/sd-notify: tests/supervisor/sd-notify.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -o $@ $<
test-build: $(BUILD)/tests/supervisor/sd-notify

# Holds a process as its tracer: a child that outlasts SIGKILL (58-prepare-bound).
$(BUILD)/tests/supervisor/ptrace-hold: tests/supervisor/ptrace-hold.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<
test-build: $(BUILD)/tests/supervisor/ptrace-hold

# libFuzzer targets for the control protocol's request line and the
# sd_notify datagram (tests/fuzz/fuzz_control.c, fuzz_notify.c), and the
# bundle parser's wire record below, run by
# `make fuzz`; tests/unit/test_supervisor_{control,notify}_fuzz.c replay
# their seeds under ASan and UBSan in `make test` (tests/build.mk).
SV_FUZZ := control notify
SV_FUZZ_BINS := $(SV_FUZZ:%=$(BUILD)/fuzz/fuzz_%)
SV_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=undefined

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c supervisor/%_parse.c supervisor/%_parse.h
	@mkdir -p $(dir $@)
	clang -std=c17 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer $(SV_SANITIZE) -I. -o $@ \
		tests/fuzz/fuzz_$*.c supervisor/$*_parse.c

# The bundle parser's wire record (tests/fuzz/fuzz_bundlewire.c): what the
# parser child sends back; test_supervisor_bundlewire_fuzz replays its seeds.
BUNDLEWIRE_FUZZ_SRCS := tests/fuzz/fuzz_bundlewire.c supervisor/bundlewire.c supervisor/svcconf.c \
	supervisor/restart.c hostlib/settings.c lib/error.c lib/clock.c lib/fdio.c lib/log.c \
	lib/output.c schema/check.c schema/fields.c
$(BUILD)/fuzz/fuzz_bundlewire: $(BUNDLEWIRE_FUZZ_SRCS)
	@mkdir -p $(dir $@)
	clang -std=c17 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer $(SV_SANITIZE) -I. -o $@ \
		$(BUNDLEWIRE_FUZZ_SRCS) -ljansson

fuzz-supervisor: $(SV_FUZZ_BINS) $(BUILD)/fuzz/fuzz_bundlewire
	@for t in $(SV_FUZZ) bundlewire; do mkdir -p $(BUILD)/fuzz/corpus-$$t && \
		$(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-max_len=4096 -artifact_prefix=$(BUILD)/fuzz/$$t- \
		$(BUILD)/fuzz/corpus-$$t tests/fuzz/corpus-$$t || exit 1; done
fuzz: fuzz-supervisor
.PHONY: fuzz-supervisor
