#!/bin/bash
# make bench: stele against its peers, in one run, on this machine. Writes
# $BENCH_OUT/report.md and $BENCH_OUT/boot.svg (default build/bench/), raw
# console logs and numbers under $BENCH_OUT/raw/. Sections, sizes and
# counts are environment variables (bench/README.md); BENCH_QUICK=1 makes
# everything small. Not a test: nothing here asserts a time.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib/vm.sh" # VM_ACCEL: KVM where it works, else TCG
. "$TOP/bench/lib.sh"

quick=${BENCH_QUICK:-0}
pick() { [ "$quick" = 1 ] && echo "$2" || echo "$1"; }
OUT=$(realpath -m "${BENCH_OUT:-$TOP/build/bench}") # stele build needs absolute paths
BOOTS=${BENCH_BOOTS:-$(pick 5 2)}
SERVICES=${BENCH_SERVICES:-10}
# The boot section's service counts: a busy host and a small one.
BOOT_SERVICES=${BENCH_BOOT_SERVICES:-$(echo "$SERVICES 3" | tr ' ' '\n' | awk '!seen[$1]++' | xargs)}
# Other stele builds booted in the boot section's rotation: "LABEL=BINDIR ...".
COMPARE=${BENCH_COMPARE:-}
SCALE=${BENCH_SCALE:-$(pick "1 10 50 100" "1 10")}
STARTS=${BENCH_STARTS:-$(pick 50 10)}
ORPHANS=${BENCH_ORPHANS:-$(pick "10000 100000" "1000 10000")}
RESTARTS=${BENCH_RESTARTS:-$(pick 1000 20)}
COMPRESSIONS=${BENCH_COMPRESSIONS:-"none gzip zstd lz4"}
SECTIONS=${BENCH_SECTIONS:-"boot latency scale footprint reap shutdown image initramfs containers"}
VARIANTS=${BENCH_VARIANTS:-"full pruned dedup erofs minimal"}
BOOT_SECS=${BENCH_BOOT_SECS:-400}
BENCH_KERNEL=$TOP/build/kernel/vmlinuz
W=$OUT/work RAW=$OUT/raw
REPORT=$OUT/report.md

say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (qemu, containerd, PID namespaces)"
for b in stele stele-mkinitramfs stelectl stele-ctrd init stele-reapbench stele-execlog; do
	[ -x "$BENCH_BIN/$b" ] || die "build/bin/$b is missing: run make"
done
[ -e "$BENCH_KERNEL" ] || die "no guest kernel: run make kernel"
rm -rf "$W" "$RAW"
mkdir -p "$W" "$RAW" || die "cannot create $OUT"
has() { [[ " $SECTIONS " == *" $1 "* ]]; }

# --- numbers -------------------------------------------------------------
# "median min max" of the numbers on stdin ("-" lines are skipped).
stats() {
	grep -E '^[0-9.]+$' | sort -n | awk '{ v[NR] = $1 }
		END { if (NR == 0) { print "- - -"; exit }
		      m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "%.0f %.0f %.0f\n", m, v[1], v[NR] }'
}
# "p50 p95" of the numbers on stdin.
percentiles() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) { print "- -"; exit }
		i = int(NR * 0.95 + 0.999); if (i > NR) i = NR
		printf "%.0f %.0f\n", v[int((NR + 1) / 2)], v[i] }'
}
# "median (min-max)" for a table cell.
cell() {
	local s
	s=$(stats)
	set -- $s
	[ "$1" = - ] && echo "-" || echo "$1 ($2-$3)"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }
col() { [ -r "$2" ] && awk -v c="$1" '{ print $c }' "$2"; }
# A derived column: $b - $a per boot.
diffcol() { [ -r "$3" ] && awk -v a="$1" -v b="$2" '$a ~ /^[0-9]/ && $b ~ /^[0-9]/ { print $b - $a }' "$3"; }
median_of() { stats | cut -d ' ' -f 1; }
verdict() {
	case $1 in
	yes) echo "met" ;;
	no) echo "**not met**" ;;
	*) echo "not measured" ;;
	esac
}

# --- images --------------------------------------------------------------
images() { # N: stele image + both peers, once
	[ -e "$W/bench-$1-initrd.img" ] && return 0
	say "building the $1-service image and its peers"
	bench_build "$1" "$W" && bench_peer "$W" "$1" shell && bench_peer "$W" "$1" lkservice &&
		{ ! has_crun || bench_build "$1" "$W" gzip crun; } ||
		die "building the $1-service images failed (logs in $W)"
	local c
	for c in $COMPARE; do
		BENCH_IMAGE_BIN=${c#*=} bench_build "$1" "$W/cmp-${c%%=*}" ||
			die "building the $1-service image of BENCH_COMPARE's ${c%%=*} failed (logs in $W/cmp-${c%%=*})"
	done
}
initrd_of() { # KIND N
	case $1 in
	stele) echo "$W/bench-$2-initrd.img" ;;
	crun) echo "$W/crun-$2-initrd.img" ;;
	cmp-*) echo "$W/$1/bench-$2-initrd.img" ;;
	*) echo "$W/peer-$1-$2-initrd.img" ;;
	esac
}
append_of() { [ "$1" = lkservice ] && echo "PEER_SERVICES=lkservice"; }
done_regex() { case $1 in stele | crun | cmp-*) echo 'bench: report-end' ;; *) echo 'peer: memory ' ;; esac; }
# The opt-in crun runtime (builder/README.md) is booted beside stele's
# default when Debian's crun is installed.
has_crun() { [ -x /usr/bin/crun ]; }
boot_kinds() {
	local c
	has_crun && echo "stele crun shell lkservice" || echo "stele shell lkservice"
	for c in $COMPARE; do echo "cmp-${c%%=*}"; done
}

# One boot of KIND with N services; its milestones go to RAW/KIND-N.txt.
boot_one() { # KIND N RUN
	local kind=$1 n=$2 run=$3 log=$RAW/boot-$1-$2-$3.log
	if bench_boot "$log" "$(initrd_of "$kind" "$n")" "$(done_regex "$kind")" "$BOOT_SECS" \
		"$(append_of "$kind")"; then
		bench_milestones "$log" >>"$RAW/$kind-$n.txt"
		guest_mem "$log" >>"$RAW/$kind-$n.mem"
	else
		say "$kind boot $run with $n services did not finish in $BOOT_SECS s (log: $log)"
		echo "- - - - -" >>"$RAW/$kind-$n.txt"
		echo "- -" >>"$RAW/$kind-$n.mem"
	fi
}

# --- 1. boot -------------------------------------------------------------
# Every count of BOOT_SERVICES, each its own rotation and table; the first
# count's goals keep their plain names, the others say the count.
section_boot() {
	local n first=
	: >"$W/boot.md"
	for n in $BOOT_SERVICES; do
		boot_rotation "$n"
		boot_table "$n" "${first:+ ($n services)}" >>"$W/boot.md"
		first=${first:-$n}
	done
	bench_timeline_json "$RAW/boot-stele-$first-1.log" >"$W/boot-timeline.json"
	cpu_md "$RAW/boot-stele-$first-1.log" >"$W/cpu.md"
}

boot_rotation() { # N
	local n=$1 r kind
	images "$n"
	for ((r = 1; r <= BOOTS; r++)); do
		for kind in $(boot_kinds); do
			say "boot $r/$BOOTS: $kind, $n services"
			boot_one "$kind" "$n" "$r"
		done
	done
}

# Median MiB and shim count of KIND's boots with N services: "MiB (shims)".
mem_cell() { # KIND N
	local f=$RAW/$1-$2.mem
	[ -r "$f" ] || { echo "-"; return; }
	local u
	u=$(col 1 "$f" | median_of)
	[ "$u" = - ] && echo "-" || echo "$u ($(col 2 "$f" | median_of))"
}

boot_table() { # N GOAL_SUFFIX
	local n=$1 t=$2 i label
	echo "## 1. Boot: kernel start to all services running, $n services"
	echo
	echo "$BOOTS boots of each image, alternating; $n trivial services (busybox sh), one onboot"
	echo "container (busybox true), a fresh 256 MiB state disk formatted at every boot, and the bench"
	echo "probe service. Milestones in ms since the kernel started: median (min-max)."
	echo
	echo "The last column is stele with the opt-in \`crun\` init component (crun in runc's"
	echo "place); every other column runs runc."
	echo
	echo "| milestone | stele | shell peer | LinuxKit-style peer | stele with crun |"
	echo "| --- | --- | --- | --- | --- |"
	for i in 1 2 3 4 5; do
		label=$(echo "kernel start to init|state volume mounted|onboot done|containerd ready|all services running" | cut -d '|' -f $i)
		printf '| %s | %s | %s | %s | %s |\n' "$label" \
			"$(col $i "$RAW/stele-$n.txt" | cell)" "$(col $i "$RAW/shell-$n.txt" | cell)" \
			"$(col $i "$RAW/lkservice-$n.txt" | cell)" "$(col $i "$RAW/crun-$n.txt" | cell)"
	done
	printf '| **userspace: init to all running** | %s | %s | %s | %s |\n' \
		"$(diffcol 1 5 "$RAW/stele-$n.txt" | cell)" "$(diffcol 1 5 "$RAW/shell-$n.txt" | cell)" \
		"$(diffcol 1 5 "$RAW/lkservice-$n.txt" | cell)" "$(diffcol 1 5 "$RAW/crun-$n.txt" | cell)"
	printf '| **onboot done to all running** | %s | %s | %s | %s |\n' \
		"$(diffcol 3 5 "$RAW/stele-$n.txt" | cell)" "$(diffcol 3 5 "$RAW/shell-$n.txt" | cell)" \
		"$(diffcol 3 5 "$RAW/lkservice-$n.txt" | cell)" "$(diffcol 3 5 "$RAW/crun-$n.txt" | cell)"
	printf '| guest memory used when all run, MiB (shim daemons) | %s | %s | %s | %s |\n' \
		"$(mem_cell stele "$n")" "$(mem_cell shell "$n")" "$(mem_cell lkservice "$n")" "$(mem_cell crun "$n")"
	echo
	local us sh lk ob_us ob_lk cr ob_cr
	us=$(diffcol 1 5 "$RAW/stele-$n.txt" | median_of)
	sh=$(diffcol 1 5 "$RAW/shell-$n.txt" | median_of)
	lk=$(diffcol 1 5 "$RAW/lkservice-$n.txt" | median_of)
	cr=$(diffcol 1 5 "$RAW/crun-$n.txt" | median_of)
	ob_us=$(diffcol 3 5 "$RAW/stele-$n.txt" | median_of)
	ob_lk=$(diffcol 3 5 "$RAW/lkservice-$n.txt" | median_of)
	ob_cr=$(diffcol 3 5 "$RAW/crun-$n.txt" | median_of)
	echo "Ratios of medians (peer / stele, above 1 means stele is faster): userspace boot"
	echo "$(ratio "$sh" "$us")x against the shell peer, $(ratio "$lk" "$us")x against the"
	echo "LinuxKit-style peer; onboot-done-to-all-running $(ratio "$ob_lk" "$ob_us")x against the"
	echo "LinuxKit-style peer. With crun: userspace boot $(ratio "$sh" "$cr")x against the shell"
	echo "peer and $(ratio "$lk" "$cr")x against the LinuxKit-style peer; onboot-done-to-all-running"
	echo "$(ratio "$ob_lk" "$ob_cr")x against the LinuxKit-style peer."
	echo
	[ -n "$COMPARE" ] && compare_table "$n" "$sh" "$lk" "$ob_lk"
	boot_goals "$t" "$us" "$ob_us" "$sh" "$lk" "$ob_lk"
	local ct=" (stele with the opt-in crun)"
	[ -n "$t" ] && ct=" (stele with the opt-in crun, $n services)"
	has_crun && boot_goals "$ct" "$cr" "$ob_cr" "$sh" "$lk" "$ob_lk"
	local m_us m_lk
	m_us=$(col 1 "$RAW/stele-$n.mem" 2>/dev/null | median_of)
	m_lk=$(col 1 "$RAW/lkservice-$n.mem" 2>/dev/null | median_of)
	goal "guest memory used when all run no higher than the LinuxKit-style peer's$t" \
		"$m_us MiB vs $m_lk MiB" "$(awk -v a="$m_us" -v b="$m_lk" 'BEGIN { print (a + 0 > 0 && b + 0 > 0) ? (a <= b ? "yes" : "no") : "-" }')"
}

# BENCH_COMPARE's builds beside stele's, in the same rotation.
compare_table() { # N SHELL_US LK_US LK_ONBOOT
	local n=$1 c k us ob
	echo "Other stele builds in the same rotation (\`BENCH_COMPARE\`), runc; ms, median (min-max)"
	echo "over the boots that finished; ratios are the LinuxKit-style peer's median over the build's."
	echo
	echo "| build | boots that finished | userspace: init to all running | onboot done to all running | guest memory MiB (shims) | LinuxKit-style / this, userspace | LinuxKit-style / this, onboot done to all running | shell peer / this, userspace |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
	for c in "stele=$BENCH_BIN" $COMPARE; do
		k=cmp-${c%%=*}
		[ "${c%%=*}" = stele ] && k=stele
		us=$(diffcol 1 5 "$RAW/$k-$n.txt" | median_of)
		ob=$(diffcol 3 5 "$RAW/$k-$n.txt" | median_of)
		printf '| %s | %s/%s | %s | %s | %s | %sx | %sx | %sx |\n' "${c%%=*}" \
			"$(diffcol 1 5 "$RAW/$k-$n.txt" | wc -l)" "$(wc -l <"$RAW/$k-$n.txt")" "$(diffcol 1 5 "$RAW/$k-$n.txt" | cell)" \
			"$(diffcol 3 5 "$RAW/$k-$n.txt" | cell)" "$(mem_cell "$k" "$n")" \
			"$(ratio "$3" "$us")" "$(ratio "$4" "$ob")" "$(ratio "$2" "$us")"
	done
	echo
}

# The boot goals for one stele column against the peers' medians.
boot_goals() { # SUFFIX STELE_US STELE_ONBOOT SHELL_US LK_US LK_ONBOOT
	local t=$1 us=$2 ob_us=$3 sh=$4 lk=$5 ob_lk=$6
	goal "userspace boot at least 3x faster than the shell peer$t" \
		"$(ratio "$sh" "$us")x" "$(awk -v r="$(ratio "$sh" "$us")" 'BEGIN { print (r + 0 >= 3) ? "yes" : "no" }')"
	goal "onboot done to all running at most half the LinuxKit-style peer$t" \
		"$ob_us ms vs $ob_lk ms" "$(awk -v a="$ob_us" -v b="$ob_lk" 'BEGIN { print (a + 0 > 0 && b + 0 > 0 && a <= b / 2) ? "yes" : "no" }')"
	goal "faster than every peer (userspace boot)$t" "$us ms vs $sh / $lk ms" \
		"$(awk -v a="$us" -v b="$sh" -v c="$lk" 'BEGIN { print (a + 0 > 0 && a < b && a < c) ? "yes" : "no" }')"
}

goal() { echo "| $1 | $2 | $(verdict "$3") |" >>"$W/goals.md"; }

# Where the CPU of one stele boot went, from its probe's cpu lines.
cpu_md() { # LOG
	console "$1" | grep -q '^bench: cpu ' || return 0
	echo "## Where the CPU of a stele boot goes (boot 1, guest /proc at boot complete)"
	echo
	console "$1" | awk '/^bench: cpu-total / { for (i = 3; i <= NF; i++) { split($i, kv, "="); t[kv[1]] = kv[2] } }
		END { printf "'"$BENCH_CPUS"' vCPUs; since the kernel started: %d ms user, %d ms system, %d ms idle; %d processes forked.\n",
		      t["user_ms"], t["sys_ms"], t["idle_ms"], t["forks"] }'
	echo "Per command name: its live processes' CPU and that of the children they reaped"
	echo "(containerd reaps each \`containerd-shim-runc-v2 start\`, a shim its \`runc create\` and"
	echo "\`runc start\`; PID 1 every orphan). Exited processes nobody reaped into a live one"
	echo "are not counted. A container's own time includes its \`runc init\` before the exec of"
	echo "its command; PID 1's includes stage 1's boot phases and the kernel's own start before"
	echo "it (the counters survive exec). The bench probe leaves itself out."
	echo
	echo "| command | total ms | own ms | reaped children ms | processes |"
	echo "| --- | --- | --- | --- | --- |"
	console "$1" | sed -n 's/^bench: cpu total_ms=\([0-9]*\) self_ms=\([0-9]*\) children_ms=\([0-9]*\) processes=\([0-9]*\) \(.*\)$/| \5 | \1 | \2 | \3 | \4 |/p' | head -n 12
	echo
}

# --- 2. service start latency -----------------------------------------------
# ms since t0 appended to FILE.
elapsed_to() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }' >>"$2"; }

# STARTS alternating starts of BUNDLE by stele-ctrd and by ctr run, into
# RAW/latency-stele$TAG.txt and RAW/latency-ctr$TAG.txt.
latency_rounds() { # BUNDLE TAG
	local bundle=$1 tag=$2 i id t0
	for ((i = 1; i <= STARTS; i++)); do
		id=s$tag$i
		t0=$EPOCHREALTIME
		sc run -o "$d/out" "$id" "$bundle" >/dev/null 2>>"$d/errors" &&
			elapsed_to "$t0" "$RAW/latency-stele$tag.txt"
		cleanup_one "$id"
		id=c$tag$i
		t0=$EPOCHREALTIME
		ctr -a "$sock" -n "$ns" run --detach --config "$bundle/config.json" "$id" >/dev/null 2>>"$d/errors" &&
			elapsed_to "$t0" "$RAW/latency-ctr$tag.txt"
		cleanup_one "$id"
	done
}

section_latency() {
	images "$SERVICES"
	local d=$W/latency ns=stelebench$$ sock bundle grouped pid
	mkdir -p "$d/out"
	sock=$d/containerd.sock
	bundle=$d/bundle grouped=$d/grouped
	cp -a "$W/bench-$SERVICES-tree/containers/services/svc001" "$bundle" || return 1
	jq --arg r "$bundle/rootfs" '.root.path = $r' "$bundle/config.json" >"$bundle/c.json" &&
		mv "$bundle/c.json" "$bundle/config.json"
	# The bundle as the supervisor hands it over: in a shim group (supervisor/spec.h).
	cp -a "$bundle" "$grouped" &&
		jq '.annotations["io.containerd.runc.v2.group"] = "stele-services-0"' "$bundle/config.json" >"$grouped/config.json" ||
		return 1
	"$BENCH_BIN/stele-ctrd" -a "$sock" config "$d/root" "$d/state" "$d/containerd.toml" || return 1
	containerd --config "$d/containerd.toml" >"$d/containerd.log" 2>&1 &
	pid=$!
	"$BENCH_BIN/stele-ctrd" -a "$sock" -t 60 ready >/dev/null || { kill "$pid"; return 1; }
	sc() { "$BENCH_BIN/stele-ctrd" -a "$sock" -n "$ns" -t 60 "$@"; }
	cleanup_one() { sc kill -a "$1" KILL >/dev/null 2>&1; sc -t 20 wait-exit "$1" >/dev/null 2>&1; sc rm "$1" >/dev/null 2>&1; }
	say "service start latency: $STARTS starts each, stele-ctrd and ctr run, alternating"
	latency_rounds "$bundle" ""
	say "service start latency: the same in a shim group with a service running"
	sc run -o "$d/out" keeper "$grouped" >/dev/null 2>>"$d/errors"
	latency_rounds "$grouped" -grouped
	cleanup_one keeper
	kill "$pid"
	wait "$pid" 2>/dev/null
	rm -rf "/run/containerd/runc/$ns" "$d/root" "$d/state"
	local s c sg cg
	s=$(percentiles <"$RAW/latency-stele.txt")
	c=$(percentiles <"$RAW/latency-ctr.txt")
	sg=$(percentiles <"$RAW/latency-stele-grouped.txt")
	cg=$(percentiles <"$RAW/latency-ctr-grouped.txt")
	{
		echo "## 2. Service start latency (host, private containerd)"
		echo
		echo "The same bundle (svc001 from the bench image) started $STARTS times by each client,"
		echo "alternating, from the command's start to its return with the task running; each"
		echo "container is killed and deleted before the next (not timed). Host CPU, not TCG."
		echo "Then the same with the bundle in a shim group while another container of the group"
		echo "runs, as the supervisor starts its services (supervisor/README.md, Shims): the"
		echo "shim daemon is already there, for both clients."
		echo
		echo "| client | p50 ms | p95 ms | starts ok |"
		echo "| --- | --- | --- | --- |"
		echo "| stele-ctrd run (stele's C API client) | ${s% *} | ${s#* } | $(wc -l <"$RAW/latency-stele.txt")/$STARTS |"
		echo "| ctr run --detach | ${c% *} | ${c#* } | $(wc -l <"$RAW/latency-ctr.txt")/$STARTS |"
		echo "| stele-ctrd run, shared shim | ${sg% *} | ${sg#* } | $(wc -l <"$RAW/latency-stele-grouped.txt" 2>/dev/null || echo 0)/$STARTS |"
		echo "| ctr run --detach, shared shim | ${cg% *} | ${cg#* } | $(wc -l <"$RAW/latency-ctr-grouped.txt" 2>/dev/null || echo 0)/$STARTS |"
		echo
		echo "p50 ratio (ctr / stele): $(ratio "${c% *}" "${s% *}")x on the plain bundle,"
		echo "$(ratio "${cg% *}" "${sg% *}")x with a shared shim; ctr run on the plain bundle against"
		echo "stele-ctrd with a shared shim (what the supervisor does): $(ratio "${c% *}" "${sg% *}")x."
		echo "What is left after the client is containerd, the shim's \`start\` and runc's"
		echo "create and start, which both clients pay (see the CPU profile of a boot)."
		echo
	} >"$W/latency.md"
	goal "service start through the API at least 2x faster than ctr run (p50, same bundle)" \
		"$(ratio "${c% *}" "${s% *}")x" "$(awk -v r="$(ratio "${c% *}" "${s% *}")" 'BEGIN { print (r + 0 >= 2) ? "yes" : "no" }')"
}

# --- 3. scale ------------------------------------------------------------------
section_scale() {
	local n kind t10 t100
	for n in $SCALE; do
		images "$n"
		for kind in stele lkservice; do
			say "scale: $kind, $n services"
			boot_one "$kind" "$n" scale
		done
	done
	{
		echo "## 3. Scale: boot to all services running"
		echo
		echo "One boot each; ms from init to all services running; the guest's memory in use"
		echo "(MemTotal - MemAvailable) when all are running, with the number of shim daemons; and"
		echo "the supervisor's private memory (from the probe; a peer prints its own). A \"-\" is a"
		echo "boot that did not bring every service up (the OOM killer, the time bound: raw/)."
		echo
		echo "| services | stele ms | LinuxKit-style ms | stele guest used MiB (shims) | LinuxKit-style guest used MiB (shims) | stele supervisor private KiB |"
		echo "| --- | --- | --- | --- | --- | --- |"
		for n in $SCALE; do
			printf '| %s | %s | %s | %s | %s | %s |\n' "$n" \
				"$(diffcol 1 5 "$RAW/stele-$n.txt" | tail -n 1)" \
				"$(diffcol 1 5 "$RAW/lkservice-$n.txt" | tail -n 1)" \
				"$(guest_used "$RAW/boot-stele-$n-scale.log")" \
				"$(guest_used "$RAW/boot-lkservice-$n-scale.log")" \
				"$(sup_private "$RAW/boot-stele-$n-scale.log")"
		done
		echo
	} >"$W/scale.md"
	local first last
	first=$(echo $SCALE | awk '{ print $1 }')
	last=$(echo $SCALE | awk '{ print $NF }')
	if [ "$first" != "$last" ]; then
		local m1 m2
		m1=$(sup_private "$RAW/boot-stele-$first-scale.log")
		m2=$(sup_private "$RAW/boot-stele-$last-scale.log")
		echo "Supervisor memory per service: $(awk -v a="$m1" -v b="$m2" -v n1="$first" -v n2="$last" \
			'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.1f KiB", (b - a) / (n2 - n1); else print "-" }')." >>"$W/scale.md"
		echo >>"$W/scale.md"
	fi
	if [[ " $SCALE " == *" 10 "* && " $SCALE " == *" 100 "* ]]; then
		t10=$(diffcol 1 5 "$RAW/stele-10.txt" | tail -n 1)
		t100=$(diffcol 1 5 "$RAW/stele-100.txt" | tail -n 1)
		goal "100 services cost at most 10x the time of 10" "$(ratio "$t100" "$t10")x" \
			"$(awk -v r="$(ratio "$t100" "$t10")" 'BEGIN { print (r != "-" && r + 0 <= 10) ? "yes" : "no" }')"
	fi
}
# The supervisor's private KiB from a probe's "memory boot" line.
# A console log without carriage returns; nothing when the log is missing.
console() { [ -r "$1" ] && tr -d '\r' <"$1"; }
sup_private() { sup_private_at "$1" boot; }
# "MiB (shims)" the guest used when all services ran: stele's probe line or
# the peer's own "peer: memory" line.
guest_used() {
	console "$1" | awk '
		/^bench: memory boot / { for (i = 1; i <= NF; i++) { if ($i ~ /^used_kb=/) u = substr($i, 9); if ($i ~ /^n=/) n = substr($i, 3) } }
		/^peer: memory / { for (i = 1; i <= NF; i++) { if ($i ~ /^used_kb=/) u = substr($i, 9); if ($i ~ /^shims=/) n = substr($i, 7) } }
		END { if (u != "") printf "%.0f (%s)", u / 1024, n; else print "-" }'
}
# "MiB shims" of guest_used, as numbers ("- -" when missing).
guest_mem() { guest_used "$1" | tr -d '()' | awk 'NF == 2 { print; next } { print "- -" }'; }
sup_private_at() { console "$1" | sed -n "s/^bench: memory $2.*supervisor rss_kb=[0-9]* private_kb=\\([0-9]*\\).*/\\1/p" | head -n 1; }
pid1_private() { console "$1" | sed -n "s/^bench: memory $2.* pid1 rss_kb=[0-9]* private_kb=\\([0-9]*\\).*/\\1/p" | head -n 1; }
pid1_dirty() { console "$1" | sed -n "s/^bench: memory $2.* pid1 rss_kb=[0-9]* private_kb=[0-9]* dirty_kb=\\([0-9]*\\).*/\\1/p" | head -n 1; }

# --- 6. shutdown: each kind powers itself off once ----------------------------
# ms from the probe's request to the last line before reboot(2): stele's
# "stele: poweroff" (printk time), a peer's "peer: poweroff UPTIME".
shutdown_ms() { # LOG
	console "$1" | awk '
		/^bench: poweroff-request / { req = $3 }
		/^\[ *[0-9.]+\] stele: poweroff$/ { t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t); end = t }
		/^peer: poweroff / { end = $3 }
		END { if (req != "" && end != "") printf "%.0f", (end - req) * 1000; else print "-" }'
}
section_shutdown() {
	images "$SERVICES"
	local kind log
	for kind in stele shell lkservice; do
		log=$RAW/shutdown-$kind.log
		say "shutdown: $kind, $SERVICES services running, poweroff requested by the probe"
		bench_boot_to_poweroff "$log" "$(initrd_of "$kind" "$SERVICES")" "$BOOT_SECS" \
			"bench.poweroff=1 $(append_of "$kind")"
	done
	{
		echo "## 6. Shutdown"
		echo
		echo "From the probe's poweroff request (\`stelectl poweroff\`; SIGUSR2 to a peer's PID 1)"
		echo "to the last line before reboot(2), guest clock, with $SERVICES services running, one"
		echo "boot each. Every init stops the services (SIGTERM, bounded wait), containerd and the"
		echo "state volume before powering off; stele also runs onshutdown, kills what is left"
		echo "and unmounts every filesystem."
		echo
		echo "| | stele | shell peer | LinuxKit-style peer |"
		echo "| --- | --- | --- | --- |"
		echo "| poweroff request to the final line, ms | $(shutdown_ms "$RAW/shutdown-stele.log") |" \
			"$(shutdown_ms "$RAW/shutdown-shell.log") | $(shutdown_ms "$RAW/shutdown-lkservice.log") |"
		echo
	} >"$W/shutdown.md"
}

section_footprint() {
	local f boot after rboot restarted rlog=$RAW/restarts-stele.log
	images "$SERVICES"
	say "footprint: $RESTARTS service restarts, then poweroff ($SERVICES services)"
	# Rounds of one restart of every service take about 1.2 s per restart
	# under TCG on 2 vCPUs: 1 s per restart was cut short at 972 of 1000.
	bench_boot_to_poweroff "$rlog" "$(initrd_of stele "$SERVICES")" $((BOOT_SECS + 2 * RESTARTS)) \
		"bench.restarts=$RESTARTS"
	{
		echo "## 4. PID 1 footprint"
		echo
		echo "| binary | bytes (static, stripped) |"
		echo "| --- | --- |"
		for f in init stele-pid1 stele-supervisor stele-onboot stelectl; do
			echo "| $f | $(stat -c %s "$BENCH_BIN/$f") |"
		done
		echo
		boot=$(pid1_private "$RAW/boot-stele-$SERVICES-1.log" boot)
		[ -n "$boot" ] || boot=$(pid1_private "$rlog" boot)
		after=$(pid1_private "$rlog" restarts)
		rboot=$(pid1_private "$rlog" boot)
		restarted=$(console "$rlog" | sed -n 's/^bench: memory restarts=\([0-9]*\) failed=\([0-9]*\).*/\1 (\2 failed)/p')
		local log1=$RAW/boot-stele-$SERVICES-1.log
		[ -n "$(pid1_dirty "$log1" boot)" ] || log1=$rlog
		echo "PID 1 private memory (Private_Clean + Private_Dirty of /proc/1/smaps_rollup), and"
		echo "the dirty part alone. Pages of init's own binary count as private (no other process"
		echo "maps it) and, on stele's tmpfs root, as dirty: the per-mapping table below tells"
		echo "them from what PID 1 allocated (heap, stack, anonymous)."
		echo
		echo "| when | private KiB | of which dirty KiB |"
		echo "| --- | --- | --- |"
		echo "| after boot | ${boot:--} | $(pid1_dirty "$log1" boot) |"
		echo "| after boot, in the restart boot | ${rboot:--} | $(pid1_dirty "$rlog" boot) |"
		echo "| after ${restarted:-no} service restarts | ${after:--} | $(pid1_dirty "$rlog" restarts) |"
		echo
		echo "The supervisor (which does the restarts) in the same boot: $(sup_private_at "$rlog" boot) KiB"
		echo "private after boot, $(sup_private_at "$rlog" restarts) KiB after the restarts."
		echo
		local peer
		peer=$(console "$RAW/boot-shell-$SERVICES-1.log" | sed -n 's/^bench: peer pid1 rss_kb=[0-9]* private_kb=\([0-9]*\).*/\1/p' | head -n 1)
		[ -n "$peer" ] && echo "For comparison, the shell peer's PID 1 (busybox sh) after boot: $peer KiB." && echo
		if console "$RAW/boot-stele-$SERVICES-1.log" | grep -q '^bench: pid1-map '; then
			echo "Where PID 1's private memory is (/proc/1/smaps, largest mappings after boot):"
			echo
			echo "| KiB | mapping | permissions |"
			echo "| --- | --- | --- |"
			console "$RAW/boot-stele-$SERVICES-1.log" | sed -n 's/^bench: pid1-map \([0-9]*\) \(.*\) \([-rwxps]*\)$/| \1 | \2 | \3 |/p'
			echo
		fi
	} >"$W/footprint.md"
	local dirty
	dirty=$(pid1_dirty "$RAW/boot-stele-$SERVICES-1.log" boot)
	[ -n "$dirty" ] || dirty=$(pid1_dirty "$RAW/restarts-stele.log" boot)
	goal "PID 1 private RSS at most 256 KiB" "${boot:--} KiB, of which dirty ${dirty:--} KiB" \
		"$([ -z "$boot" ] && echo na || { [ "$boot" -le 256 ] && echo yes || echo no; })"
	goal "PID 1 private RSS does not grow after ${restarted:-no} restarts" "${rboot:--} -> ${after:--} KiB" \
		"$([ -z "$rboot" ] || [ -z "$after" ] && echo na || { [ "$after" -le "$rboot" ] && echo yes || echo no; })"
}

# --- 5. reaping ---------------------------------------------------------------
section_reap() {
	local r=$W/reaproot
	mkdir -p "$r"/{sbin,etc/stele,proc,sys,dev,run,tmp,var}
	# stage 1 execs the resident stele-pid1 found next to it
	cp "$BENCH_BIN/init" "$r/sbin/init" && cp "$BENCH_BIN/stele-pid1" "$r/sbin/" &&
		cp "$BENCH_BIN/stele-reapbench" "$r/sbin/" || return 1
	echo "supervisor=/sbin/stele-reapbench" >"$r/etc/stele/init.conf"
	echo "$ORPHANS" >"$r/etc/reapbench.conf"
	say "reaping: $ORPHANS orphans under stele's init in a PID namespace"
	# The root is bind-mounted on itself so that it is a mount, as in a VM.
	timeout -k 5 600 unshare --mount --propagation private sh -c \
		'mount --bind "$1" "$1" && exec unshare --pid --fork --uts --ipc --net --root="$1" /sbin/init' \
		sh "$r" >"$RAW/reap.log" 2>&1
	{
		echo "## 5. Reaping"
		echo
		echo "stele's init as PID 1 of a PID namespace on the host (its real binary, with"
		echo "\`stele-reapbench\` as its supervisor): N orphans released at once; time until PID 1"
		echo "has reaped the last one (kill(pid, 0) fails). The time includes the orphans' own"
		echo "exit in the kernel. Host pid_max is $(cat /proc/sys/kernel/pid_max): larger counts run in"
		echo "waves of 20000."
		echo
		echo "| orphans | waves | ms | reaped per second | PID 1 private KiB before | after |"
		echo "| --- | --- | --- | --- | --- | --- |"
		sed -n 's/^reap: orphans=\([0-9]*\) waves=\([0-9]*\) reaped=[0-9]* ms=\([0-9.]*\) per_s=\([0-9]*\) pid1_private_kb_before=\([0-9-]*\) pid1_private_kb_after=\([0-9-]*\)$/| \1 | \2 | \3 | \4 | \5 | \6 |/p' "$RAW/reap.log"
		echo
	} >"$W/reap.md"
}

# The kernel's own unpack time of the initramfs (printk), ms.
unpack_ms() { # LOG
	console "$1" | sed -n 's/^\[ *\([0-9.]*\)\] \(Trying to unpack rootfs\|Freeing initrd memory\).*/\1/p' |
		awk 'NR == 1 { a = $1 } NR == 2 { b = $1 }
		     END { if (b != "") printf "%.0f", (b - a) * 1000; else print "-" }'
}

# --- 7. image -------------------------------------------------------------------
section_image() {
	images "$SERVICES"
	local c img t0 t1 log size
	{
		echo "## 7. Image: initrd size and unpack time"
		echo
		echo "The $SERVICES-service image written with each compression stele-mkinitramfs offers."
		echo "Unpack: the kernel's own time from \"Trying to unpack rootfs\" to \"Freeing initrd memory\""
		echo "(printk, guest, one boot each); host: decompress and cpio-extract into build/bench/work."
		echo
		echo "| compression | bytes | guest unpack ms | kernel start to init ms | host unpack ms |"
		echo "| --- | --- | --- | --- | --- |"
	} >"$W/image.md"
	for c in $COMPRESSIONS; do
		img=$W/image-$c.img
		SOURCE_DATE_EPOCH=0 "$BENCH_BIN/stele-mkinitramfs" -c "$c" -s "$W/bench-$SERVICES-tree.overrides" \
			"$W/bench-$SERVICES-tree" "$img" >/dev/null || continue
		log=$RAW/image-$c.log
		size=$(stat -c %s "$img")
		say "image: $c ($size bytes)"
		bench_boot "$log" "$img" 'Run /init as init process' 120 >/dev/null
		local unpack host
		unpack=$(unpack_ms "$log")
		rm -rf "$W/unpack" && mkdir -p "$W/unpack"
		t0=$EPOCHREALTIME
		case $c in
		none) cpio -idm --quiet -D "$W/unpack" <"$img" ;;
		gzip) gzip -dc "$img" | cpio -idm --quiet -D "$W/unpack" ;;
		zstd) zstd -dcq "$img" | cpio -idm --quiet -D "$W/unpack" ;;
		lz4) lz4 -dc "$img" 2>/dev/null | cpio -idm --quiet -D "$W/unpack" ;;
		esac
		t1=$EPOCHREALTIME
		host=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
		rm -rf "$W/unpack" "$img"
		echo "| $c | $size | $unpack | $(bench_kernel_init_ms "$log") | $host |" >>"$W/image.md"
	done
	echo >>"$W/image.md"
}

# --- 8. initramfs: what goes into it, and whether it is unpacked -----------
# examples/default.yml with the probe (bench/README.md); the first three
# with the cpio layout (containers.layout: cpio):
#   full    its packages as Debian ships them (MKPKG_PRUNE=0), --no-dedup
#   pruned  the shipped packages (mkpkg's DEFAULT_PRUNE), --no-dedup
#   dedup   the shipped packages, identical files linked
#   erofs   as shipped: /containers as an erofs image in an uncompressed
#           initrd segment (containers.layout: erofs), mounted by init
#   minimal examples/minimal.yml with the probe: the small image `make
#           run`'s (erofs) is measured against
variant_label() {
	case $1 in
	full) echo "packages as Debian ships them, no dedup" ;;
	pruned) echo "pruned packages, no dedup" ;;
	dedup) echo "pruned packages + dedup, cpio layout" ;;
	erofs) echo "as shipped: pruned + dedup, \`/containers\` as erofs (containers.layout)" ;;
	minimal) echo "\`examples/minimal.yml\` (one service), built as the default" ;;
	esac
}

# The YAML's shipped packages (bare image names) built with MKPKG_PRUNE=0
# into DIR, from the .debs make pkgs cached.
full_packages() { # YML DIR
	local cache=$W/pkg-cache p
	mkdir -p "$cache" "$2"
	[ -e "$cache/debs" ] || ln -s "$TOP/build/pkg-cache/debs" "$cache/debs"
	for p in $(sed -n 's/^ *image: *\([a-z0-9_.-]*\) *$/\1/p' "$1" | sort -u); do
		[ -e "$2/$p/index.json" ] && continue
		MKPKG_PRUNE=0 sh "$TOP/tools/mkpkg.sh" "$TOP/packages/$p" "$2/$p" "$cache" \
			>"$W/pkg-full-$p.log" 2>&1 || return 1
	done
}

# W/variant-V-initrd.img, once.
variant_image() { # V
	local v=$1 yml=$W/variant.yml dir=$W/v-$1 name=variant
	[ -e "$W/variant-$v-initrd.img" ] && return 0
	[ -e "$yml" ] || bench_default_yaml "$yml" || return 1
	local args=(-o "$dir" --bin-dir "$BENCH_BIN")
	case $v in
	minimal)
		yml=$W/minimal.yml name=minimal
		bench_default_yaml "$yml" "$TOP/examples/minimal.yml" || return 1
		;;
	erofs)
		grep -q '^  layout: erofs$' "$yml" ||
			{ say "initramfs: $yml does not set containers.layout: erofs"; return 1; }
		;;
	*)
		name=variant-cpio
		sed 's/^  layout: erofs$/  layout: cpio/' "$yml" >"$W/$name.yml" || return 1
		yml=$W/$name.yml
		case $v in
		full) full_packages "$yml" "$W/pkg-full" && args+=(--pkg-dir "$W/pkg-full" --no-dedup) || return 1 ;;
		pruned) args+=(--no-dedup) ;;
		esac
		;;
	esac
	"$BENCH_BIN/stele" build "${args[@]}" "$yml" >"$W/variant-$v.build.log" 2>&1 || return 1
	mv "$dir/$name-initrd.img" "$W/variant-$v-initrd.img" || return 1
	rm -rf "$dir"
}

# Bytes of IMG's leading uncompressed cpio segments (newc), 0 when none.
plain_segment_bytes() { # IMG
	python3 - "$1" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
o = 0
while d[o:o + 6] == b"070701":
    size, nlen = int(d[o + 54:o + 62], 16), int(d[o + 94:o + 102], 16)
    name = d[o + 110:o + 110 + nlen - 1]
    o = (o + 110 + nlen + 3) & ~3
    o = (o + size + 3) & ~3
    if name == b"TRAILER!!!":
        while d[o:o + 4] == b"\0\0\0\0":
            o += 4
print(o)
PY
}

# The guest's memory in use (MemTotal - MemAvailable) at boot complete, MiB.
used_mib() { console "$1" | sed -n 's/^bench: memory boot .* used_kb=\([0-9]*\).*/\1/p' | head -n 1 | awk '{ printf "%.0f", $1 / 1024 }'; }

# One boot of variant V; "init state onboot containerd services used unpack"
# appended to RAW/initramfs-V.txt. dhcpcd gets a lease from qemu's user
# network (restricted: nothing outside is reached).
boot_variant() { # V RUN
	local v=$1 log=$RAW/initramfs-$1-$2.log append= m
	BENCH_QEMU_NIC=user,model=virtio-net-pci,restrict=on
	BENCH_QEMU_EXTRA=()
	if bench_boot "$log" "$W/variant-$v-initrd.img" '^bench: report-end' "$BOOT_SECS" "$append"; then
		m=$(bench_milestones "$log")
		echo "$m $(used_mib "$log") $(unpack_ms "$log")" >>"$RAW/initramfs-$v.txt"
	else
		say "initramfs: $v boot $2 did not finish in $BOOT_SECS s (log: $log)"
		echo "- - - - - - -" >>"$RAW/initramfs-$v.txt"
	fi
	BENCH_QEMU_NIC=none
	BENCH_QEMU_EXTRA=()
}

section_initramfs() {
	local v r built=
	for v in $VARIANTS; do
		say "initramfs: building examples/default.yml, $v"
		if variant_image "$v"; then built="$built $v"; else say "initramfs: the $v image failed (log: $W/variant-$v.build.log)"; fi
	done
	for ((r = 1; r <= BOOTS; r++)); do
		for v in $built; do
			say "initramfs: boot $r/$BOOTS, $v"
			boot_variant "$v" "$r"
		done
	done
	{
		echo "## 8. Initramfs: what goes into it, and whether it is unpacked"
		echo
		echo "\`examples/default.yml\` (\`make run\`'s image: dhcpcd at boot, getty, redis) with the bench probe, built four"
		echo "ways: its packages as Debian ships them (\`MKPKG_PRUNE=0\`) and as \`make pkgs\` ships"
		echo "them (tools/mkpkg.sh's DEFAULT_PRUNE: docs, man pages, locales, debug symbols, gconv"
		echo "modules), without and with dedup (identical files as one inode, builder/dedup.h), all with"
		echo "\`containers.layout: cpio\`; and as shipped, \`containers.layout: erofs\`: \`/containers\` as one"
		echo "erofs image (lz4hc) in an uncompressed cpio segment before the lz4 one, which the kernel"
		echo "copies, mounted read-only by init (builder/README.md); its initrd bytes name that segment."
		echo "lz4 initrds; $BOOTS boots each, alternating, with qemu's user network for"
		echo "dhcpcd; median (min-max). Memory: MemTotal - MemAvailable at boot complete (an unpacked"
		echo "initramfs is never available, the erofs image included; what erofs decompresses is page"
		echo "cache). The last row,"
		echo "\`examples/minimal.yml\` with the probe built as the default, is the small image the"
		echo "default one's kernel start to init is held against."
		echo
		echo "| image | initrd bytes | cpio bytes unpacked | kernel unpack ms | kernel start to init ms | init to all running ms | guest used MiB |"
		echo "| --- | --- | --- | --- | --- | --- | --- |"
		for v in $VARIANTS; do
			local img=$W/variant-$v-initrd.img size=- cpio=-
			if [ -e "$img" ]; then
				size=$(stat -c %s "$img")
				local seg
				seg=$(plain_segment_bytes "$img")
				cpio=$(($(tail -c +$((seg + 1)) "$img" | lz4 -dc 2>/dev/null | wc -c) + seg))
				[ "$seg" -gt 0 ] && size="$size ($seg uncompressed: erofs)"
			fi
			printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$(variant_label "$v")" "$size" "$cpio" \
				"$(col 7 "$RAW/initramfs-$v.txt" | cell)" "$(col 1 "$RAW/initramfs-$v.txt" | cell)" \
				"$(diffcol 1 5 "$RAW/initramfs-$v.txt" | cell)" "$(col 6 "$RAW/initramfs-$v.txt" | cell)"
		done
		echo
	} >"$W/initramfs.md"
	local d m
	d=$(col 1 "$RAW/initramfs-erofs.txt" 2>/dev/null | median_of)
	m=$(col 1 "$RAW/initramfs-minimal.txt" 2>/dev/null | median_of)
	goal "\`make run\`'s default image: kernel start to init within 15% of minimal.yml's" \
		"$d ms vs $m ms ($(ratio "$d" "$m")x)" \
		"$(awk -v a="$d" -v b="$m" 'BEGIN { print (a + 0 > 0 && b + 0 > 0) ? (a <= 1.15 * b ? "yes" : "no") : "-" }')"
}

# --- 9. per container: the supervisor's request to the task running ----------
# Per service of one instrumented boot, in ms:
#   NAME total shim create start rest pre shim_to_create create_to_start after
# from the supervisor's timeline (service start, running) and stele-execlog's
# lines (the shim's `start`, `runc create`, `runc start` for that
# container). rest = total - shim - create - start: containerd, the shim's
# RPCs and the supervisor's client; the last four split it by where it
# falls: before the shim starts, between the shim and runc create, between
# create and start, after runc start.
container_times() { # LOG
	local tl ex
	tl=$(bench_timeline_json "$1")
	ex=$(console "$1" | sed -n 's/^bench: exec //p' | jq -s . 2>/dev/null)
	[ -n "$tl" ] && [ -n "$ex" ] || return 0
	jq -nr --argjson tl "$tl" --argjson ex "$ex" '
		def runc_cmd: [.args[] | select(IN("create", "start", "run", "delete", "kill", "state"))][0];
		def shim_id: .args as $a | [range(0; $a | length) | select($a[.] == "-id")][0] as $i |
			if $i == null then null else $a[$i + 1] end;
		def ms(c): if c == null then null else c.end_ms - c.start_ms end;
		def out(v): if v == null then "-" else (v | round | tostring) end;
		$tl | map(select(.kind == "service")) | group_by(.name)[] |
		.[0].name as $s |
		(map(select(.event == "start")) | map(.t_ms) | min) as $req |
		(map(select(.event == "running" and .t_ms >= $req)) | map(.t_ms) | min) as $run |
		select($req != null and $run != null) |
		([$ex[] | select(.prog == "containerd-shim-runc-v2" and shim_id == $s and .args[-1] == "start" and .start_ms >= $req)][0]) as $shim |
		([$ex[] | select(.prog == "runc" and runc_cmd == "create" and .args[-1] == $s and .start_ms >= $req)][0]) as $create |
		([$ex[] | select(.prog == "runc" and runc_cmd == "start" and .args[-1] == $s and .start_ms >= $req)][0]) as $start |
		($run - $req) as $total |
		if $shim and $create and $start then
			[$s, out($total), out(ms($shim)), out(ms($create)), out(ms($start)),
			 out($total - ms($shim) - ms($create) - ms($start)), out($shim.start_ms - $req),
			 out($create.start_ms - $shim.end_ms), out($start.start_ms - $create.end_ms),
			 out($run - $start.end_ms)]
		else [$s, out($total), "-", "-", "-", "-", "-", "-", "-", "-"] end | join(" ")'
}

section_containers() {
	local n=$SERVICES r log
	images "$n"
	if [ ! -e "$W/exec-$n-initrd.img" ]; then
		bench_exec_image "$W" "$n" || { say "containers: the instrumented image failed"; return 0; }
	fi
	for ((r = 1; r <= BOOTS; r++)); do
		say "containers: instrumented boot $r/$BOOTS, $n services"
		log=$RAW/containers-$n-$r.log
		if bench_boot "$log" "$W/exec-$n-initrd.img" '^bench: report-end' "$BOOT_SECS"; then
			container_times "$log" >>"$RAW/containers-$n.txt"
		else
			say "containers: boot $r did not finish in $BOOT_SECS s (log: $log)"
		fi
	done
	local t=$RAW/containers-$n.txt s c
	{
		echo "## 9. Per container: from the supervisor's request to the task running"
		echo
		echo "The $n-service boot image with \`runc\` and \`containerd-shim-runc-v2\` behind"
		echo "\`stele-execlog\`, a wrapper that runs the real program and logs its start and end"
		echo "(CLOCK_BOOTTIME, the timeline's clock); only this image has it, and it adds a fork"
		echo "and exec per call. Per service: from the supervisor's request (timeline \`start\`:"
		echo "container create, task create, task start, chained) to its task running (timeline"
		echo "\`running\`: task start answered). *shim start* is the \`containerd-shim-runc-v2 ... start\`"
		echo "process containerd runs for every task (it finds or starts the shim daemon); *runc"
		echo "create* and *runc start* are the runc processes the shim daemon runs; *containerd and"
		echo "RPCs* is the rest: containerd, the shim daemon's ttrpc handling (a shim daemon serves"
		echo "the tasks of its group, two by default: its tasks' creates can wait for each other) and"
		echo "the supervisor's client, split by where it falls: before the shim's \`start\`, from it to"
		echo "\`runc create\`, from create to \`runc start\` (the answer back to the supervisor and its"
		echo "task start), and after \`runc start\` until the supervisor has the answer. $BOOTS boot(s);"
		echo "ms, median over the boots."
		echo
		echo "| service | request to running | shim start | runc create | runc start | containerd and RPCs | of which: to shim start | shim to runc create | create to start | start to running |"
		echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
		for s in $([ -r "$t" ] && awk '{ print $1 }' "$t" | sort -u); do
			printf '| %s |' "$s"
			for c in 2 3 4 5 6 7 8 9 10; do printf ' %s |' "$(awk -v s="$s" -v c="$c" '$1 == s { print $c }' "$t" | median_of)"; done
			echo
		done
		if [ -r "$t" ]; then
			printf '| **median of all** |'
			for c in 2 3 4 5 6 7 8 9 10; do printf ' %s |' "$(col "$c" "$t" | median_of)"; done
			echo
		fi
		echo
		[ -r "$t" ] && awk '$3 ~ /^[0-9]/ && $4 ~ /^[0-9]/ && $5 ~ /^[0-9]/ {
				tot += $2; shim += $3; cr += $4; st += $5; rest += $6 }
			END { if (tot > 0) printf "Of all services'"'"' request-to-running time: shim start %.0f%%, runc create %.0f%%, runc start %.0f%%, containerd and RPCs %.0f%%.\n\n",
			      100 * shim / tot, 100 * cr / tot, 100 * st / tot, 100 * rest / tot }' "$t"
	} >"$W/containers.md"
}

# --- the report -------------------------------------------------------------
: >"$W/goals.md"
for s in $SECTIONS; do
	case $s in
	boot | latency | scale | footprint | reap | shutdown | image | initramfs | containers) ;;
	*) die "BENCH_SECTIONS: unknown section $s (boot latency scale footprint reap shutdown image initramfs containers)" ;;
	esac
done
has boot && section_boot
has latency && section_latency
has scale && section_scale
has shutdown && section_shutdown
has footprint && section_footprint
has reap && section_reap
has image && section_image
has initramfs && section_initramfs
has containers && section_containers

if [ -s "$W/boot-timeline.json" ]; then
	mkdir -p "$W/run" && cp "$W/boot-timeline.json" "$W/run/boot-timeline.json"
	"$BENCH_BIN/stelectl" --run "$W/run" plot >"$OUT/boot.svg" || say "stelectl plot failed"
	"$BENCH_BIN/stelectl" --run "$W/run" analyze >"$W/analyze.txt" 2>&1
fi

{
	echo "# stele benchmark report"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- commit: $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "- machine: $(nproc) CPUs ($(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -n 1)),"
	echo "  $(free -m | awk '/^Mem:/ { print $2 }') MiB, $(uname -sr), qemu $(qemu-system-x86_64 --version | head -n 1 | awk '{ print $4 }') with \`$VM_ACCEL\`"
	echo "- guest: kernel $(cat "$TOP/build/kernel/version"), $BENCH_CPUS vCPUs, $BENCH_MEM MiB"
	echo "- settings: BENCH_QUICK=$quick boots=$BOOTS services=$SERVICES scale=\"$SCALE\" starts=$STARTS"
	echo "  orphans=\"$ORPHANS\" restarts=$RESTARTS sections=\"$SECTIONS\" variants=\"$VARIANTS\""
	echo
	echo "Timings are noisy on a shared 2-core machine under TCG (10-20x slower than KVM): read"
	echo "medians and ratios from the same run, not absolute numbers. Raw logs: \`raw/\`."
	echo
	if [ -s "$W/goals.md" ]; then
		echo "## Goals"
		echo
		echo "| goal | measured | verdict |"
		echo "| --- | --- | --- |"
		cat "$W/goals.md"
		echo
	fi
	for s in boot cpu latency scale footprint reap shutdown image initramfs containers; do
		[ -s "$W/$s.md" ] && cat "$W/$s.md"
	done
	if [ -s "$W/analyze.txt" ]; then
		echo "## Profile of one stele boot (\`stelectl analyze\`, boot 1; plot: boot.svg)"
		echo
		echo '```'
		cat "$W/analyze.txt"
		echo '```'
	fi
} >"$REPORT"
say "wrote $REPORT$([ -s "$OUT/boot.svg" ] && echo " and $OUT/boot.svg")"
