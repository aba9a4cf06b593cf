# init/state.mk: the state volume (init/state*.c), linked into PID 1, and
# its test driver build/tests/state-run.
#
# STATE_OBJS: everything PID 1 needs, state_settings.o included (it reads
#   init's settings). STATE_CORE_OBJS: the same without it.
# STATE_SHARED_OBJS: what the supervisor and onboot link to read the
#   status file and create bind sources (state_status.h, state_bind.h).

STATE_CORE_SRCS := init/state.c init/state_config.c init/state_probe.c init/state_find.c \
                   init/state_tool.c init/state_mount.c init/state_status.c init/state_bind.c
STATE_CORE_OBJS := $(STATE_CORE_SRCS:%.c=$(OBJ)/%.o)
STATE_OBJS := $(STATE_CORE_OBJS) $(OBJ)/init/state_settings.o
STATE_SHARED_OBJS := $(OBJ)/init/state_status.o $(OBJ)/init/state_bind.o
STATE_LIBS := $(UL_LIBS)

STATE_RUN := $(BUILD)/tests/state-run

all: $(STATE_RUN)

$(STATE_RUN): $(OBJ)/tests/state/state_run.o $(STATE_CORE_OBJS) $(LIBSTELE)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(STATE_LIBS)

$(OBJ)/tests/state/state_run.o: CFLAGS += -Iinit
# Unit tests of the module include its headers.
$(BUILD)/tests/unit/test_state_%: CFLAGS += -Iinit

# The power cut test's writer, run inside the guest.
STATE_RECWRITER := $(BUILD)/tests/state-recwriter
all: $(STATE_RECWRITER)
$(STATE_RECWRITER): $(OBJ)/tests/state/recwriter.o
	$(call static_link,)
