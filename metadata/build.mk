# metadata/: stele-metadata, metadata and userdata to /run/config.
# Two binaries from the same objects: stele-metadata is static (init runs
# its `local` mode, so it needs no shared library), stele-metadata-net adds
# the network providers and links libcurl dynamically (it runs in the
# metadata onboot container, whose rootfs carries the libraries).
MD := metadata
MD_CORE := buf base64 validate plan plan_write hostconf meta userdata source sandbox \
	drive netconf output local main
MD_CORE_OBJS := $(MD_CORE:%=$(OBJ)/$(MD)/%.o)
MD_STATIC_LIBS := $(UL)/lib/libblkid.a -ljansson -lseccomp -lcap -lnl-route-3 -lnl-3 -lpthread -lm
MD_NET_LIBS := $(UL)/lib/libblkid.a -ljansson -lseccomp -lcap -lnl-route-3 -lnl-3 -lcurl

all: $(BIN)/stele-metadata $(BIN)/stele-metadata-net

$(BIN)/stele-metadata: $(MD_CORE_OBJS) $(OBJ)/$(MD)/fetch_none.o $(LIBSTELE)
	$(call static_link, $(MD_STATIC_LIBS))

$(BIN)/stele-metadata-net: $(MD_CORE_OBJS) $(OBJ)/$(MD)/fetch.o $(OBJ)/$(MD)/http.o \
		$(OBJ)/$(MD)/providers.o $(LIBSTELE)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(MD_NET_LIBS)

# The parser, the code that sees hostile bytes first: unit tests and the
# libFuzzer target (tests/fuzz/). `make fuzz` runs it for FUZZ_SECONDS with
# ASan and UBSan; new inputs go to build/fuzz/corpus, the seeds stay put.
MD_PARSER_SRCS := $(MD)/buf.c $(MD)/base64.c $(MD)/validate.c $(MD)/plan.c \
	$(MD)/hostconf.c $(MD)/meta.c $(MD)/userdata.c $(MD)/source.c lib/log.c lib/clock.c
TEST_LIBS_test_metadata_parse := -ljansson
TEST_LIBS_test_metadata_fuzz := -ljansson

FUZZ_SECONDS ?= 60
FUZZ_BIN := $(BUILD)/fuzz/fuzz_userdata

$(FUZZ_BIN): tests/fuzz/fuzz_userdata.c $(MD_PARSER_SRCS) $(wildcard $(MD)/*.h)
	@mkdir -p $(dir $@)
	clang -std=c17 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -I. -o $@ \
		tests/fuzz/fuzz_userdata.c $(MD_PARSER_SRCS) -ljansson

fuzz: $(FUZZ_BIN)
	@mkdir -p $(BUILD)/fuzz/corpus
	$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -dict=tests/fuzz/userdata.dict \
		-artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/corpus tests/fuzz/corpus

# The `metadata` onboot package (OCI layout in build/pkg/metadata, built
# with `make pkgs` by tools/mkpkg.sh): stele-metadata-net as
# /usr/bin/stele-metadata plus the Debian libraries it links.
MD_PKG_STAGE := $(BUILD)/pkg-stage/metadata

$(MD_PKG_STAGE)/usr/bin/stele-metadata: $(BIN)/stele-metadata-net
	@mkdir -p $(dir $@)
	$(STRIP) -o $@.$$$$.tmp $< && mv -f $@.$$$$.tmp $@

$(BUILD)/pkg/metadata/index.json: packages/metadata/pkg.conf $(MD_PKG_STAGE)/usr/bin/stele-metadata \
		tools/mkpkg.sh tools/mkoci.sh | $(DEPS_STAMP)
	sh tools/mkpkg.sh packages/metadata $(BUILD)/pkg/metadata $(BUILD)/pkg-cache

pkgs: $(BUILD)/pkg/metadata/index.json
.PHONY: pkgs
