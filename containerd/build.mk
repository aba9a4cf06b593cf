# containerd/: the C client for containerd's gRPC API (libctrd.a)
# and the stele-ctrd tool. The protobuf-c code is generated at build time
# from the .proto files of Debian's golang-github-containerd-containerd-dev:
# copied to build/gen/proto, stripped of the gogoproto/containerd.plugin
# annotations (they only steer Go code generation, and Debian ships no
# gogo.proto), then compiled by protoc-c into build/gen.
#
# Users: CTRD_CFLAGS to compile against ctrd.h, CTRD_LIBS to link (static).

CTRD_API_SRC := /usr/share/gocode/src/github.com/containerd/containerd/api
CTRD_API     := github.com/containerd/containerd/api
CTRD_PROTO   := $(BUILD)/gen/proto
CTRD_PROTOS  := services/tasks/v1/tasks.proto services/containers/v1/containers.proto \
                services/events/v1/events.proto services/version/v1/version.proto \
                events/task.proto types/mount.proto types/metrics.proto \
                types/descriptor.proto types/task/task.proto
CTRD_WKT     := any empty timestamp field_mask

CTRD_GEN_C   := $(CTRD_PROTOS:%.proto=$(BUILD)/gen/$(CTRD_API)/%.pb-c.c) \
                $(CTRD_WKT:%=$(BUILD)/gen/google/protobuf/%.pb-c.c)
CTRD_GEN_H   := $(CTRD_GEN_C:.c=.h)
CTRD_GEN_STAMP := $(BUILD)/gen/.ctrd-stamp

CTRD_SRCS    := $(filter-out containerd/stele-ctrd.c,$(wildcard containerd/*.c))
CTRD_OBJS    := $(CTRD_SRCS:%.c=$(OBJ)/%.o) $(CTRD_GEN_C:%.c=$(OBJ)/%.o)
CTRD_LIB     := $(OBJ)/libctrd.a
CTRD_CFLAGS  := -I$(BUILD)/gen
CTRD_LIBS    := $(CTRD_LIB) $(LIBSTELE) -l:libnghttp2.a -l:libprotobuf-c.a -l:libjansson.a

# One rule makes every generated file: protoc-c needs the whole set at once
# for the imports to resolve, and the stamp keeps make from running it twice.
$(CTRD_GEN_STAMP): containerd/build.mk | $(DEPS_STAMP)
	@rm -rf $(CTRD_PROTO) && mkdir -p $(CTRD_PROTO)/$(CTRD_API)
	set -e; for p in $(CTRD_PROTOS); do \
		mkdir -p $(CTRD_PROTO)/$(CTRD_API)/$$(dirname $$p); \
		sed -e '/^import weak /d' \
		    -e '/^[[:space:]]*option (gogoproto\./d' \
		    -e '/^[[:space:]]*option (containerd\.plugin\./d' \
		    -e 's/[[:space:]]*\[(gogoproto\.[^]]*\]//' \
		    $(CTRD_API_SRC)/$$p >$(CTRD_PROTO)/$(CTRD_API)/$$p; \
	done
	protoc-c -I$(CTRD_PROTO) -I/usr/include --c_out=$(BUILD)/gen \
		$(CTRD_PROTOS:%=$(CTRD_PROTO)/$(CTRD_API)/%) \
		$(CTRD_WKT:%=/usr/include/google/protobuf/%.proto)
	@touch $@

$(CTRD_GEN_C) $(CTRD_GEN_H): $(CTRD_GEN_STAMP)

# Our sources include generated headers: generate before compiling them.
$(CTRD_SRCS:%.c=$(OBJ)/%.o) $(OBJ)/containerd/stele-ctrd.o: $(CTRD_GEN_STAMP)
$(CTRD_SRCS:%.c=$(OBJ)/%.o) $(OBJ)/containerd/stele-ctrd.o: CFLAGS += $(CTRD_CFLAGS)

$(CTRD_LIB): $(CTRD_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(BIN)/stele-ctrd: $(OBJ)/containerd/stele-ctrd.o $(CTRD_LIB) $(LIBSTELE)
	$(call static_link, $(CTRD_LIBS))

# Unit tests (tests/unit/test_ctrd_*.c) compile the sources they name,
# generated ones included: generate first.
TEST_LIBS_test_ctrd_grpc := -l:libprotobuf-c.a
TEST_LIBS_test_ctrd_conn := -l:libnghttp2.a -l:libprotobuf-c.a
TEST_LIBS_test_ctrd_spec := -ljansson
$(BUILD)/tests/unit/test_ctrd_%: CFLAGS += $(CTRD_CFLAGS)
$(BUILD)/tests/unit/test_ctrd_%: $(CTRD_GEN_STAMP)

all: $(CTRD_LIB) $(BIN)/stele-ctrd
