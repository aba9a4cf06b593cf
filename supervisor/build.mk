# supervisor/: stele-supervisor and stelectl (static, stripped, go into
# images). The containerd client library comes from supervisor/containerd.mk
# (CTRD_CFLAGS, CTRD_LIBS).

SUPERVISOR_SRCS := main.c service.c supervise.c reconcile.c cdproc.c notify.c control.c \
                   phases.c loop.c logstore.c ring.c restart.c svcconf.c deps.c spec.c \
                   bundleparse.c prepare.c
SUPERVISOR_OBJS := $(SUPERVISOR_SRCS:%.c=$(OBJ)/supervisor/%.o)
STELECTL_OBJS   := $(OBJ)/supervisor/stelectl.o $(OBJ)/supervisor/analyze.o $(OBJ)/supervisor/plot.o

$(SUPERVISOR_OBJS) $(STELECTL_OBJS): CFLAGS += $(CTRD_CFLAGS) -Iinit
$(SUPERVISOR_OBJS): | $(CTRD_GEN_STAMP)

# $(STATE_SHARED_OBJS): the state volume's status line, read as init wrote
# it, and bind sources created on it. onboot's hook objects: runtime.mkdir
# and runtime.mounts for services too (prepare.c), with their libraries, and
# bind_sources.o (state-volume bind sources from a spec).
SUPERVISOR_ONBOOT_OBJS := $(addprefix $(OBJ)/onboot/,hooks.o netif.o settings.o error.o bind_sources.o)
$(OBJ)/supervisor/prepare.o: CFLAGS += -Ionboot
$(BIN)/stele-supervisor: $(SUPERVISOR_OBJS) $(STATE_SHARED_OBJS) $(SUPERVISOR_ONBOOT_OBJS) \
			 $(CTRD_LIB) $(LIBSTELE)
	$(call static_link, $(CTRD_LIBS) $(UL)/lib/libmount.a $(UL)/lib/libblkid.a \
		-lnl-route-3 -lnl-3 -lpthread -lm)

$(BIN)/stelectl: $(STELECTL_OBJS) $(LIBSTELE)
	$(call static_link, $(LIBSTELE) -l:libjansson.a)

all: $(BIN)/stele-supervisor $(BIN)/stelectl

# Unit tests of the pure modules (their headers live here, not in lib/).
TEST_LIBS_test_supervisor_ring := -Isupervisor
TEST_LIBS_test_supervisor_restart := -Isupervisor
TEST_LIBS_test_supervisor_svcconf := -Isupervisor -ljansson

# A static sd_notify sender for test services (busybox has none).
$(BUILD)/tests/supervisor/sd-notify: tests/supervisor/sd-notify.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -o $@ $<
test-build: $(BUILD)/tests/supervisor/sd-notify
TEST_LIBS_test_supervisor_bundleparse := -Isupervisor -Isupervisor/containerd -ljansson
