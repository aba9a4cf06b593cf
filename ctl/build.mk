# ctl/: stelectl, the control client (static, stripped, goes into images).
# It carries update/ (stelectl update).
CTL_SRCS := $(wildcard ctl/*.c)
CTL_OBJS := $(CTL_SRCS:%.c=$(OBJ)/%.o)

$(BIN)/stelectl: $(CTL_OBJS) $(UPDATE_OBJS) $(LIBSTELE)
	$(call static_link, $(LIBSTELE) -l:libjansson.a $(UPDATE_LIBS))

all: $(BIN)/stelectl
