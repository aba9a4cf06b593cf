# Helpers for the fleet tests: one image (examples/etcd-cluster.yml), many
# qemu nodes. Source after common.sh.
#
# The nodes sit on a bridge in a network namespace of the test's own
# ($FLEET_NS, removed at exit), each on a tap device, with no way out of
# it: etcdctl and ssh run inside it too. Node SLOT (1-9) has the address
# 10.77.0.1SLOT, the MAC 52:54:00:77:00:0SLOT, its own state disk and its
# own NoCloud userdata (a cidata ISO that `stele run -u` makes); the
# harness is 10.77.0.1.
#
#   fleet_begin NAME              name the test (logs, figures file); first
#   fleet_net_up                  the namespace and its bridge
#   fleet_build NAME [YML]        stele build into $T/img-NAME; FLEET_IMG[NAME] is the image
#   fleet_userdata SLOT NAME CLUSTER [STATE]
#                                 print a node's userdata (JSON): host name, static
#                                 address, the test's ssh key, the etcd settings
#   fleet_cluster SLOT...         NAME=PEER-URL,... of nodes nSLOT
#   fleet_boot SLOT IMAGE DISK USERDATA-FILE   boot in the background; console in
#                                 ${FLEET_CON[SLOT]}, qemu monitor at $T/monSLOT
#   fleet_wait_exit SLOT SECS     wait for the node's qemu to end; its status in
#                                 $FLEET_RC ("none" if still running); not in $(...)
#   fleet_wait_ssh SLOT SECS      until the node's sshd lets the test's key in
#   fleet_quit SLOT               hard stop (monitor `quit`), like pulling the plug
#   fleet_powerdown SLOT          ACPI power button (monitor `system_powerdown`)
#   fleet_poweroff SLOT           `stelectl poweroff` over ssh
#   fleet_ssh SLOT CMD...         ssh root@node (fleet_ssh6: by its IPv6 link-local address)
#   fleet_cpu SLOT                CPU seconds its qemu has used
#   fleet_ctl [etcdctl args]      etcdctl against $FLEET_EPS (every node up)
#   fleet_wait_healthy SLOT SECS  until the member answers `endpoint health`
#   fleet_leader                  the slot of the current leader
#   fleet_wait_leader SECS        until the members behind $FLEET_EPS have one
#   fleet_members, fleet_started  `member list` as "ID STATE NAME" lines; started ones
#   fleet_disk_log SLOT NAME      a service's log, from a node's state disk
#   fleet_writer_start PREFIX SECS COUNT / fleet_writer_stop   a client
#                                 writing PREFIX/0000001, ... in a loop
. "$TOP/tests/lib/vm.sh"

FLEET_NS=fleet-$$
FLEET_BR=fleetbr
FLEET_MEM=${FLEET_MEM:-512}
# Raft ticks for TCG on a shared machine: a guest can stall for a second;
# etcd's 100/1000 ms defaults would elect leaders all day.
FLEET_HEARTBEAT=${FLEET_HEARTBEAT:-500}
FLEET_ELECTION=${FLEET_ELECTION:-5000}
FLEET_EPS=
declare -A FLEET_IMG FLEET_PID FLEET_CON FLEET_T0 FLEET_DISK
_fleet_boots=0

fleet_ip() { echo "10.77.0.1$1"; }

fleet_begin() {
	FLEET_TEST=$1
	mkdir -p "$BUILD/tests"
	: >"$BUILD/tests/fleet-figures-$FLEET_TEST.txt"
}

fleet_net_up() {
	netns_new "$FLEET_NS" || return 1
	ip -n "$FLEET_NS" link add "$FLEET_BR" type bridge &&
		ip -n "$FLEET_NS" addr add 10.77.0.1/24 dev "$FLEET_BR" &&
		ip -n "$FLEET_NS" link set "$FLEET_BR" up || return 1
	ssh-keygen -q -t ed25519 -N '' -C fleet-test -f "$T/key"
}

fleet_build() {
	local name=$1 yml=${2:-$TOP/examples/etcd-cluster.yml}
	"$BIN/stele" build -o "$T/img-$name" --pkg-dir "$BUILD/pkg" --bin-dir "$BIN" "$yml" \
		>"$T/build-$name.log" 2>&1 || {
		tail -n 3 "$T/build-$name.log" | sed 's/^/# /'
		return 1
	}
	FLEET_IMG[$name]=$T/img-$name/$(basename "$yml" .yml)
}

fleet_cluster() {
	local s out=
	for s in "$@"; do out="${out:+$out,}n$s=http://$(fleet_ip "$s"):2380"; done
	echo "$out"
}

# The etcd keys go in as a LinuxKit file tree; an empty CLUSTER leaves the
# key out (a node whose userdata lacks its peer list).
fleet_userdata() {
	local slot=$1 name=$2 cluster=$3 state=${4:-new}
	jq -n --arg host "$name" --arg addr "$(fleet_ip "$slot")/24" --arg key "$(cat "$T/key.pub")" \
		--arg name "$name" --arg cluster "$cluster" --arg state "$state" \
		--arg hb "$FLEET_HEARTBEAT" --arg el "$FLEET_ELECTION" '
		def file(v): {content: (v + "\n")};
		{stele: {hostname: $host, ssh_authorized_keys: [$key],
		         network: {interface: "eth0", address: $addr}},
		 etcd: {entries: ({name: file($name), "initial-cluster-state": file($state),
		                   "heartbeat-interval": file($hb), "election-timeout": file($el)}
		                  + if $cluster == "" then {} else {"initial-cluster": file($cluster)} end)}}'
}

# Each boot gets its own console log, kept in build/tests/logs at exit.
fleet_boot() {
	local slot=$1 image=$2 disk=$3 userdata=$4 tap=fleettap$1
	_fleet_boots=$((_fleet_boots + 1))
	local con=$T/con$slot.$_fleet_boots.log
	if ! ip -n "$FLEET_NS" link show "$tap" >/dev/null 2>&1; then
		ip -n "$FLEET_NS" tuntap add "$tap" mode tap &&
			ip -n "$FLEET_NS" link set "$tap" master "$FLEET_BR" up || return 1
	fi
	rm -f "$T/mon$slot"
	: >"$con"
	FLEET_CON[$slot]=$con
	FLEET_DISK[$slot]=$disk
	FLEET_T0[$slot]=$(date +%s%3N)
	ip netns exec "$FLEET_NS" "$BIN/stele" run -m "$FLEET_MEM" -c 1 -n -t 3600 -l "$con" \
		-d "$disk:256M" -u "$userdata" \
		-q -netdev -q "tap,id=net0,ifname=$tap,script=no,downscript=no" \
		-q -device -q "virtio-net-pci,netdev=net0,mac=52:54:00:77:00:0$slot" \
		-q -monitor -q "unix:$T/mon$slot,server,nowait" "$image" </dev/null >"$con.out" 2>&1 &
	FLEET_PID[$slot]=$!
	at_exit "kill_tree $!; cp '$con' '$BUILD/tests/logs/fleet-$FLEET_TEST-${con##*/}' 2>/dev/null"
}

fleet_alive() { kill -0 "${FLEET_PID[$1]:-0}" 2>/dev/null; }

fleet_wait_exit() {
	local slot=$1 secs=$2 i
	for ((i = 0; i < secs; i++)); do
		fleet_alive "$slot" || break
		sleep 1
	done
	FLEET_RC=none
	fleet_alive "$slot" && return 1
	wait "${FLEET_PID[$slot]}"
	FLEET_RC=$?
}

fleet_wait_console() {
	local slot=$1 regex=$2 secs=$3 i
	for ((i = 0; i < secs; i++)); do
		grep -qaE "$regex" "${FLEET_CON[$slot]}" && return 0
		sleep 1
	done
	return 1
}

fleet_quit() {
	qemu_monitor "$T/mon$1" quit >/dev/null 2>&1
	fleet_wait_exit "$1" 30
}
fleet_powerdown() { qemu_monitor "$T/mon$1" system_powerdown >/dev/null 2>&1; }

_fleet_ssh_opts=(-o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no
	-o UserKnownHostsFile=/dev/null -o ConnectTimeout=10 -o LogLevel=ERROR)
fleet_ssh() {
	local slot=$1; shift
	ip netns exec "$FLEET_NS" ssh -i "$T/key" "${_fleet_ssh_opts[@]}" "root@$(fleet_ip "$slot")" "$@"
}
# The same through the node's IPv6 link-local address (from its MAC): a
# node whose IPv4 address is another's is still reachable.
fleet_ssh6() {
	local slot=$1; shift
	ip netns exec "$FLEET_NS" ssh -i "$T/key" "${_fleet_ssh_opts[@]}" \
		"root@fe80::5054:ff:fe77:$slot%$FLEET_BR" "$@"
}

fleet_poweroff() { fleet_ssh "$1" stelectl poweroff >/dev/null 2>&1; }

fleet_wait_ssh() {
	local slot=$1 secs=$2 i
	for ((i = 0; i < secs; i += 2)); do
		fleet_ssh "$slot" true 2>/dev/null && return 0
		sleep 2
	done
	return 1
}

fleet_ctl() {
	ip netns exec "$FLEET_NS" etcdctl --endpoints="$FLEET_EPS" --dial-timeout=3s \
		--command-timeout=15s "$@"
}
# fleet_ctl_at SLOT ARGS: through one member only.
fleet_ctl_at() {
	local slot=$1; shift
	FLEET_EPS=http://$(fleet_ip "$slot"):2379 fleet_ctl "$@"
}
fleet_set_endpoints() {
	local s
	FLEET_EPS=
	for s in "$@"; do FLEET_EPS="${FLEET_EPS:+$FLEET_EPS,}http://$(fleet_ip "$s"):2379"; done
}

fleet_wait_healthy() {
	local slot=$1 secs=$2 i
	for ((i = 0; i < secs; i += 2)); do
		fleet_ctl_at "$slot" endpoint health >/dev/null 2>&1 && return 0
		sleep 2
	done
	return 1
}

# CPU seconds the node's qemu has used so far (all its threads).
fleet_cpu() {
	local pid=${FLEET_PID[$1]} c
	while [ -n "$pid" ] && [ "$(ps -o comm= -p "$pid")" != qemu-system-x86 ]; do
		c=$(ps -o pid= --ppid "$pid" | head -n 1)
		pid=${c// /}
	done
	[ -n "$pid" ] && awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f\n", ($14 + $15) / hz }' "/proc/$pid/stat"
}

# Seconds from a node's qemu start until now.
fleet_since_boot() { echo $((($(date +%s%3N) - FLEET_T0[$1]) / 1000)); }

# fleet_status_json: `endpoint status` of every endpoint as JSON.
fleet_status_json() { fleet_ctl endpoint status -w json 2>/dev/null; }

# The slot whose member is the leader, from the members' own view.
fleet_leader() {
	fleet_status_json | jq -r '.[] | select(.Status.header.member_id == .Status.leader) | .Endpoint' |
		sed -n 's|^http://10\.77\.0\.1\([0-9]\):2379$|\1|p' | head -n 1
}
# fleet_wait_leader SECS: until the members behind $FLEET_EPS agree on a
# leader among them (after a member is pulled, the rest need an election).
fleet_wait_leader() {
	local i
	for ((i = 0; i < $1; i += 2)); do
		[ -n "$(fleet_leader)" ] && fleet_ctl endpoint health >/dev/null 2>&1 && return 0
		sleep 2
	done
	return 1
}
fleet_term() { fleet_status_json | jq '[.[].Status.raftTerm] | max'; }

# Members as "ID STATE NAME" lines (STATE started or unstarted).
fleet_members() { fleet_ctl member list | awk -F', ' '{ print $1, $2, $3 }'; }
fleet_started() { fleet_members | grep -c ' started '; }

# fleet_disk_log SLOT NAME: a service's log from the node's state disk
# (the supervisor keeps it in STATE/log), read with debugfs once the node
# is off.
fleet_disk_log() {
	local f
	for f in "/log/$2.log.1" "/log/$2.log"; do
		debugfs -R "cat $f" "${FLEET_DISK[$1]}" 2>/dev/null
	done
}

# fleet_keys PREFIX [SLOT]: the keys under PREFIX/, one a line; with SLOT,
# that member's own copy (serializable: no quorum round).
fleet_keys() {
	if [ -n "${2:-}" ]; then
		fleet_ctl_at "$2" get --prefix --keys-only --consistency=s "$1/" | sed '/^$/d'
	else
		fleet_ctl get --prefix --keys-only "$1/" | sed '/^$/d'
	fi
}

# A client that writes PREFIX/0000001, PREFIX/0000002, ... one etcdctl put
# each, until COUNT writes, SECS seconds or fleet_writer_stop. Each attempt
# is a line "N START_MS END_MS RC" in $T/writer.log.
fleet_writer_start() {
	local prefix=$1 secs=$2 count=$3
	rm -f "$T/writer.stop"
	: >"$T/writer.log"
	: >"$T/writer.err"
	(
		end=$((SECONDS + secs)) i=0
		while [ $i -lt "$count" ] && [ $SECONDS -lt $end ] && [ ! -e "$T/writer.stop" ]; do
			i=$((i + 1))
			t0=$(date +%s%3N)
			ip netns exec "$FLEET_NS" etcdctl --endpoints="$FLEET_EPS" --dial-timeout=2s \
				--command-timeout=5s put "$(printf '%s/%07d' "$prefix" $i)" "$i" \
				>/dev/null 2>>"$T/writer.err"
			rc=$?
			echo "$i $t0 $(date +%s%3N) $rc" >>"$T/writer.log"
		done
	) &
	FLEET_WRITER=$!
	at_exit "kill $FLEET_WRITER 2>/dev/null"
	at_exit "cp '$T/writer.log' '$BUILD/tests/logs/fleet-$FLEET_TEST-writer-${prefix//\//-}.log' 2>/dev/null"
	at_exit "cp '$T/writer.err' '$BUILD/tests/logs/fleet-$FLEET_TEST-writer-${prefix//\//-}.err' 2>/dev/null"
}

# Stop the client; sets WRITES (attempts), ACKED, ERRORS and GAP_MS, the
# longest time between two acknowledged writes (or from the first attempt
# to the first acknowledgement).
fleet_writer_stop() {
	touch "$T/writer.stop"
	wait "$FLEET_WRITER" 2>/dev/null
	read -r WRITES ACKED ERRORS GAP_MS < <(awk '
		NR == 1 { last = $2 }
		{ n++ }
		$4 == 0 { ok++; if ($3 - last > gap) gap = $3 - last; last = $3 }
		$4 != 0 { err++ }
		END { printf "%d %d %d %d\n", n, ok, err, gap }' "$T/writer.log")
}

# Acknowledged writes between two times (ms since the epoch).
fleet_acked_between() {
	awk -v a="$1" -v b="$2" '$4 == 0 && $3 >= a && $3 <= b { n++ } END { print n + 0 }' "$T/writer.log"
}

# The acknowledged keys of the client under PREFIX, one a line.
fleet_acked_keys() {
	awk -v p="$1" '$4 == 0 { printf "%s/%07d\n", p, $1 }' "$T/writer.log"
}

# fleet_figure TEXT: a measured figure, in the TAP output and in
# build/tests/fleet-figures-NAME.txt (docs/fleet.md works from them).
fleet_figure() {
	echo "# figure: $*"
	echo "$*" >>"$BUILD/tests/fleet-figures-$FLEET_TEST.txt"
}

# A node's boot, from its timeline: kernel to init, the userdata phase, the
# boot-complete mark and etcd ready, in ms since the kernel started.
fleet_boot_figures() {
	fleet_ssh "$1" cat /host/run/stele/timeline.jsonl 2>/dev/null | jq -rs '
		def at(k; n; e): [.[] | select(.kind == k and .name == n and .event == e) | .t_ms][0] // 0;
		"init \(at("phase"; "rootfs"; "start") | floor) userdata \((at("phase"; "userdata"; "end") - at("phase"; "userdata"; "start")) | floor) complete \(at("mark"; "boot-complete"; "end") | floor) etcd_ready \(at("service"; "etcd"; "ready") | floor)"'
}
