# builder/: the host-side image builder (`stele`), the YAML schema, and
# `stele-run`. These link dynamically: they run on the build host, not in
# images.
CONFIG_LIBS := -larchive -lyaml -ljansson -lcap -lseccomp -lcrypto -lz

CONFIG_SRCS := $(filter-out builder/mkinitramfs.c,$(wildcard builder/*.c))
CONFIG_OBJS := $(CONFIG_SRCS:%.c=$(OBJ)/%.o)

$(BIN)/stele-mkinitramfs: $(OBJ)/builder/mkinitramfs.o $(OBJ)/builder/initramfs.o $(OBJ)/builder/dedup.o
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(CONFIG_LIBS)

$(BIN)/stele: $(CONFIG_OBJS) $(LIBHOST) $(LIBSCHEMA) $(LIBSTELE)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(CONFIG_LIBS)

$(BIN)/stele-run: builder/stele-run.sh
	@mkdir -p $(dir $@)
	install -m 0755 $< $@

all: $(BIN)/stele-mkinitramfs $(BIN)/stele $(BIN)/stele-run

# `make image`: the default example into build/image/; `make run` boots it.
IMAGE_YML ?= examples/default.yml
IMAGE_FORMAT ?= kernel+initrd
image: all kernel
	$(BIN)/stele build -o $(BUILD)/image --format $(IMAGE_FORMAT) $(IMAGE_YML)

# `make run` boots the first of IMAGE_FORMAT's formats (IMAGE_FORMAT=raw-efi,qcow2).
comma := ,
RUN_FORMAT ?= $(firstword $(subst $(comma), ,$(IMAGE_FORMAT)))
RUN_ARGS ?= --publish 6379:6379 --disk $(BUILD)/image/state.img:1G
run: image
	$(BIN)/stele run --format $(RUN_FORMAT) $(RUN_ARGS) $(BUILD)/image/$(basename $(notdir $(IMAGE_YML)))

TEST_LIBS_test_config_spec := -ljansson -lcap -lseccomp
TEST_LIBS_test_config_schema := -ljansson -lyaml -lcap -lseccomp
TEST_LIBS_test_config_meta :=
TEST_LIBS_test_builder_gpt := -lcrypto -lz
