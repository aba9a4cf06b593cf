# update/: the A/B slots on the ESP, a library linked into stelectl
# (ctl/build.mk) with metadata's sandbox, which confines its file check.
# stele-fetch (fetch_main.c) is apart: it links libcurl dynamically, with
# metadata's http client, and goes into images with the `fetch` init
# component (builder/stage.c), which brings its libraries.
UPDATE_SRCS := $(filter-out update/fetch_main.c,$(wildcard update/*.c)) metadata/sandbox.c
UPDATE_OBJS := $(UPDATE_SRCS:%.c=$(OBJ)/%.o)
UPDATE_LIBS := -lseccomp -lcap
TEST_LIBS_test_update_slots := -lseccomp -lcap

$(BIN)/stele-fetch: $(OBJ)/update/fetch_main.o $(OBJ)/metadata/http.o $(OBJ)/metadata/buf.o \
		$(LIBSTELE)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ -lcurl

all: $(BIN)/stele-fetch
