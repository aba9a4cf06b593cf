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
