#!/bin/bash
# Measure how the initramfs compression changes boot time: build YAML with
# each compression, boot each ROUNDS times (no network, no disk) and print
# the wall clock from qemu's start to init's first console line, and the
# guest kernel's clock at that line. Usage (from the repo, after make):
#   builder/measure-compression.sh [examples/redis.yml] [ROUNDS]
set -u
yml=${1:-examples/redis.yml}
rounds=${2:-3}
bin=$(cd "$(dirname "$0")/.." && pwd)/build/bin
work=$(mktemp -d "${TMPDIR:-/tmp}/stele-measure.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
name=$(basename "$yml" .yml)
for c in none gzip zstd lz4; do
	"$bin/stele" build --compression "$c" -o "$work/$c" "$yml" >/dev/null 2>&1 ||
		{ echo "build with $c failed" >&2; exit 1; }
done
for ((i = 1; i <= rounds; i++)); do
	for c in none gzip zstd lz4; do
		log=$work/$c.log
		rm -f "$log"
		start=$(date +%s.%N)
		"$bin/stele" run -n -t 120 -l "$log" "$work/$c/$name" </dev/null >/dev/null 2>&1 &
		pid=$!
		for ((t = 0; t < 1200; t++)); do
			grep -qa 'stele: init .* starting' "$log" 2>/dev/null && break
			sleep 0.1
		done
		end=$(date +%s.%N)
		kclock=$(grep -a 'stele: init .* starting' "$log" | head -n 1 | sed 's/^\[ *\([0-9.]*\)\].*/\1/')
		printf '%-5s %4d MB  wall %5.2f s  kernel %s s\n' "$c" \
			$(($(stat -c %s "$work/$c/$name-initrd.img") >> 20)) "$(echo "$end - $start" | bc)" "${kclock:-?}"
		pkill -P "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
done
