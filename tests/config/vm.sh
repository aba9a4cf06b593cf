# Boot helpers for the config VM tests: images built by `stele build` and
# booted by `stele run` in the background. Source after common.sh.
. "$TOP/tests/lib/vm.sh"

# A free TCP port on 127.0.0.1.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# run_start LOG TIMEOUT IMAGE [stele run options]: boot in the background
# with a qemu monitor at $T/monitor; the exit status lands in LOG.exit.
# With RUN_NETNS set, qemu runs in that network namespace (tap devices).
run_start() {
	local log=$1 secs=$2 image=$3; shift 3
	local netns=()
	[ -z "${RUN_NETNS:-}" ] || netns=(ip netns exec "$RUN_NETNS")
	rm -f "$T/monitor" "$log.exit"
	( "${netns[@]}" "$BIN/stele" run -l "$log" -t "$secs" --qemu -monitor \
		--qemu "unix:$T/monitor,server,nowait" "$@" "$image" </dev/null >"$log.out" 2>&1
	  echo $? >"$log.exit" ) &
	RUN_PID=$!
	at_exit "kill $RUN_PID 2>/dev/null; pkill -P $RUN_PID 2>/dev/null"
}

# monitor CMD: one command to the qemu monitor.
monitor() { qemu_monitor "$T/monitor" "$1" >/dev/null; }

# run_wait_exit LOG SECS: wait for `stele run` to end; prints its status.
run_wait_exit() {
	local log=$1 secs=$2 i
	for ((i = 0; i < secs * 2; i++)); do
		[ -s "$log.exit" ] && { cat "$log.exit"; return 0; }
		sleep 0.5
	done
	echo none
	return 1
}

# wait_for LOG REGEX SECS (grep -E on the console log).
wait_for() {
	local log=$1 regex=$2 secs=$3 i
	for ((i = 0; i < secs * 2; i++)); do
		grep -qaE "$regex" "$log" 2>/dev/null && return 0
		[ -s "$log.exit" ] && return 1
		sleep 0.5
	done
	return 1
}
