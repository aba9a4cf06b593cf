# ctl/: stelectl, the control client (static, stripped, goes into images).
# It carries update/ (stelectl update) and metadata's sandbox, in which
# update/ parses the files it is handed.
CTL_SRCS := $(wildcard ctl/*.c) $(wildcard update/*.c) metadata/sandbox.c
CTL_OBJS := $(CTL_SRCS:%.c=$(OBJ)/%.o)

$(BIN)/stelectl: $(CTL_OBJS) $(LIBSTELE)
	$(call static_link, $(LIBSTELE) -l:libjansson.a -lseccomp -lcap)

all: $(BIN)/stelectl
