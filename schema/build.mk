# schema/: the one table of stele.json's and the state volume's settings
# (README). libschema.a, libc only: the builder, init, stele-onboot and the
# supervisor all link it. The property test's drivers are built here too.
SCHEMA_SRCS := $(wildcard schema/*.c)
SCHEMA_OBJS := $(SCHEMA_SRCS:%.c=$(OBJ)/%.o)
LIBSCHEMA := $(OBJ)/libschema.a

$(LIBSCHEMA): $(SCHEMA_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^
