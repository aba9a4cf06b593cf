# lib/: small helpers shared by every stele binary (libc only, see README).
LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(OBJ)/%.o)
LIBSTELE := $(OBJ)/libstele.a

$(LIBSTELE): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^
