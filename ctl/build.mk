# ctl/: stelectl, the control client (static, stripped, goes into images).
CTL_SRCS := $(wildcard ctl/*.c)
CTL_OBJS := $(CTL_SRCS:%.c=$(OBJ)/%.o)

$(BIN)/stelectl: $(CTL_OBJS) $(LIBSTELE)
	$(call static_link, $(LIBSTELE) -l:libjansson.a)

all: $(BIN)/stelectl
