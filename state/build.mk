# state/: the state volume (find, probe, format, check, mount), linked into
# stage 1 (boot/), and its test driver build/tests/state-run.
STATE_SRCS := $(wildcard state/*.c)
STATE_OBJS := $(STATE_SRCS:%.c=$(OBJ)/%.o)
STATE_LIBS := $(UL_LIBS)

STATE_RUN := $(BUILD)/tests/state-run
all: $(STATE_RUN)
$(STATE_RUN): $(OBJ)/tests/state/state_run.o $(STATE_OBJS) $(LIBSCHEMA) $(LIBSTELE)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(STATE_LIBS)

# The power cut test's writer, run inside the guest.
STATE_RECWRITER := $(BUILD)/tests/state-recwriter
all: $(STATE_RECWRITER)
$(STATE_RECWRITER): $(OBJ)/tests/state/recwriter.o
	$(call static_link,)
