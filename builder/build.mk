# builder/: the host-side image builder (`stele`), the YAML schema, and
# `stele-run`. These link dynamically: they run on the build host, not in
# images.
# libfdisk (the disk formats' GPT) is util-linux's static build, as stage 1's.
CONFIG_LIBS := -larchive -lyaml -ljansson -lcap -lseccomp -lcrypto -lz \
	$(UL)/lib/libfdisk.a $(UL)/lib/libblkid.a $(UL)/lib/libuuid.a

CONFIG_SRCS := $(filter-out builder/mkinitramfs.c,$(wildcard builder/*.c))
CONFIG_OBJS := $(CONFIG_SRCS:%.c=$(OBJ)/%.o)

$(BIN)/stele-mkinitramfs: $(OBJ)/builder/mkinitramfs.o $(OBJ)/builder/initramfs.o $(OBJ)/builder/dedup.o \
		$(LIBSTELE)
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

# The YAML loader, the label merge and the spec generation under libFuzzer
# (tests/fuzz/fuzz_config.c), run by `make fuzz` beside metadata's target;
# tests/unit/test_config_fuzz.c replays its seeds under ASan and UBSan in
# `make test` (tests/build.mk).
FUZZ_CONFIG_SRCS := builder/schema.c builder/yamlconv.c builder/spec.c builder/seccomp.c \
	hostlib/settings.c lib/error.c lib/log.c lib/clock.c schema/check.c schema/fields.c
FUZZ_CONFIG_BIN := $(BUILD)/fuzz/fuzz_config
TEST_LIBS_test_config_fuzz := -ljansson -lyaml -lcap -lseccomp

$(FUZZ_CONFIG_BIN): tests/fuzz/fuzz_config.c $(FUZZ_CONFIG_SRCS) $(wildcard builder/*.h schema/*.h)
	@mkdir -p $(dir $@)
	clang -std=c17 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -I. -o $@ \
		tests/fuzz/fuzz_config.c $(FUZZ_CONFIG_SRCS) -ljansson -lyaml -lcap -lseccomp

fuzz-config: $(FUZZ_CONFIG_BIN)
	@mkdir -p $(BUILD)/fuzz/corpus-config
	$(FUZZ_CONFIG_BIN) -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
		-max_len=16384 -close_fd_mask=2 -artifact_prefix=$(BUILD)/fuzz/config- \
		$(BUILD)/fuzz/corpus-config tests/fuzz/corpus-config
fuzz: fuzz-config
.PHONY: fuzz-config

# The UKI's .osrel names stele's version (update/README.md).
$(OBJ)/builder/uki.o: CFLAGS += -DSTELE_VERSION='"$(STELE_VERSION)"'
