# Helpers shared by the metadata tests. Source after common.sh.
#
#   md_local OUT LOG [stele-metadata local options...]   run local mode in
#       fresh network and UTS namespaces (it configures interfaces and host
#       names: never the test machine's); the namespace has a veth "eth0",
#       and `ip -o addr` and `ip route` of it afterwards go to OUT.net
#   md_loop IMAGE          attach IMAGE read-only to a loop device ($MD_LOOP), detached at exit
#   md_imds MODE USERDATA  start fake-imds.py; sets IMDS_PORT and IMDS_LOG
#   md_tree DIR            "MODE PATH" lines of everything under DIR, sorted

MD_BIN=$BIN/stele-metadata
MD_NET=$BIN/stele-metadata-net

md_local() {
	local out=$1 log=$2; shift 2
	unshare --net --uts sh -c '
		out=$1 log=$2; shift 2
		ip link add eth0 type veth peer name eth0-peer || exit 99
		"$@" >"$log" 2>&1
		rc=$?
		{ ip -o addr show dev eth0; ip route; } >"$out.net" 2>&1
		exit $rc' sh "$out" "$log" "$MD_BIN" local --root "$out" "$@"
}

# Sets MD_LOOP. Not meant for $(...): the detach must be registered in the
# test's own shell, not in a command substitution's subshell.
md_loop() {
	MD_LOOP=$(losetup --find --show --read-only "$1") || return 1
	at_exit "losetup -d $MD_LOOP"
}

_md_imds_n=0
md_imds() {
	local mode=$1 userdata=$2
	_md_imds_n=$((_md_imds_n + 1))
	IMDS_LOG=$T/imds-$_md_imds_n.log
	local port_file=$T/imds-$_md_imds_n.port
	: >"$IMDS_LOG"
	python3 "$TOP/tests/metadata/fake-imds.py" "$mode" "$userdata" "$IMDS_LOG" "$port_file" &
	local pid=$!
	at_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
	local i
	for ((i = 0; i < 100; i++)); do
		[ -s "$port_file" ] && break
		sleep 0.1
	done
	IMDS_PORT=$(cat "$port_file")
}

md_tree() {
	(cd "$1" && find . -mindepth 1 -printf '%m %p\n' | sort)
}

# The number of log lines matching a regex.
md_count() { grep -cE "$2" "$1"; }
