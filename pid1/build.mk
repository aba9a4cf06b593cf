# pid1/: build/bin/stele-pid1, the resident PID 1 (pid1/README.md). Only
# the files in PID1_SRCS, built with Debian's musl (musl-gcc -static -Os,
# package musl-tools) so that its pages, PID 1's memory for the life of the
# host, stay few. Without musl-gcc it is built with $(CC) and glibc: it
# works, only larger. Stage 1 (boot/) links the same pid1/ objects, less
# main.c, for its own fallback loop.

PID1_SRCS := $(wildcard pid1/*.c) lib/log.c lib/spawn.c lib/timeline.c lib/clock.c lib/bounded_call.c
PID1_LIB_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(filter-out pid1/main.c,$(wildcard pid1/*.c)))

all: $(BIN)/stele-pid1

# One compiler call for the whole program: which compiler is decided when
# the rule runs, after tools/deps.sh has installed musl-tools. No
# _FORTIFY_SOURCE: musl's headers do not implement it.
PID1_CFLAGS := -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 \
               -Os -fstack-protector-strong -ffunction-sections -fdata-sections \
               -fno-asynchronous-unwind-tables -I.

$(BIN)/stele-pid1: $(PID1_SRCS) $(wildcard pid1/*.h lib/*.h) pid1/build.mk | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@if command -v musl-gcc >/dev/null 2>&1; then pid1_cc=musl-gcc; else \
		pid1_cc="$(CC)"; \
		echo "warning: musl-gcc not found (apt-get install musl-tools): $@ built with $(CC) and glibc, PID 1 will be larger" >&2; \
	fi; \
	echo "$$pid1_cc $(PID1_CFLAGS) -static -Wl,--gc-sections -o $@ $(PID1_SRCS)"; \
	$$pid1_cc $(PID1_CFLAGS) -static -Wl,--gc-sections -o $@ $(PID1_SRCS)
	$(STRIP) $@
	@printf '  %-28s %8d bytes (static, stripped)\n' $@ $$(stat -c %s $@)
	@file $@ | grep -q 'statically linked' || { echo "$@ is not static" >&2; exit 1; }
