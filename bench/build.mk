# bench/: `make bench` (not part of `make test`). stele-reapbench is a
# static binary: it runs as the supervisor of stele's real init inside a PID
# namespace. lkservice, the LinuxKit-style peer, is Go, built offline in
# GOPATH mode from Debian's packaged containerd client; only `make bench`
# builds it (a minute of compiling).

$(BIN)/stele-reapbench: $(OBJ)/bench/reap.o $(LIBSTELE)
	$(call static_link,)

# The instrumented images' helpers (README.md): the runc/shim timing
# wrapper. Static: it runs in images whatever libraries those carry.
$(BIN)/stele-execlog: $(OBJ)/bench/execlog.o $(LIBSTELE)
	$(call static_link,)

all: $(BIN)/stele-reapbench $(BIN)/stele-execlog

LKSERVICE := $(BUILD)/bench/lkservice
$(LKSERVICE): bench/peer/lkservice/main.go
	@mkdir -p $(dir $@)
	cd bench/peer/lkservice && GO111MODULE=off GOPATH=/usr/share/gocode \
		GOCACHE=$(abspath $(BUILD))/bench/gocache CGO_ENABLED=0 \
		go build -o $(abspath $@) .

# BENCH_QUICK=1: fewer boots and smaller counts (README.md).
bench: all kernel $(LKSERVICE)
	bench/bench.sh

# The smoke test (tests/bench/20-bench-smoke.test) boots the peers too.
test-build: $(LKSERVICE)



