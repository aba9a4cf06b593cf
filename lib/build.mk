# lib/: small helpers shared by every stele binary (no third-party deps).
LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(OBJ)/%.o)
LIBSTELE := $(OBJ)/libstele.a

$(LIBSTELE): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^
