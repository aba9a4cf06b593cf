# Helpers for the supervisor's host tests: one stele-supervisor with the
# real containerd and runc, every path private to the test ($T) and its own
# containerd namespace, so tests never meet each other or other users.
# Source after common.sh and bundle.sh.
#
#   sv_service NAME 'COMMAND' ['STELE_JSON']  a busybox bundle in $T/c/services
#   sv_start [ARGS...]      start the supervisor (console in $SV_CONSOLE);
#                           --no-onboot unless SV_ONBOOT="--onboot PATH"
#   sv_wait REGEX SECS      wait for console text
#   sv_stop [SECS]          SIGTERM, wait for its exit; its status in $SV_RC
#   ctl ARGS...             stelectl against this supervisor
#   sv_state NAME / sv_pid NAME   one field of `stelectl status NAME`
#   tl_events NAME EVENT    the t_ms of a service's timeline events
#   within SECS CMD...      CMD succeeds before SECS have passed
SV_NS=stele-t$$
SV_CONSOLE=$T/console
SV_PID=
SV_RC=
NOTIFY_BIN=$BUILD/tests/supervisor/sd-notify
# tests/run builds nothing: a sender older than its source (the barrier the
# supervisor's credential check needs) fails every notify test obscurely.
if [ "$NOTIFY_BIN" -ot "$TOP/tests/supervisor/sd-notify.c" ]; then
	echo "not ok - $NOTIFY_BIN is older than tests/supervisor/sd-notify.c: run make test-build"
	exit 1
fi

sv_service() {
	local name=$1 cmd=$2 json=${3:-}
	bundle_make "$T/c/services/$name" "$cmd" >/dev/null
	cp "$NOTIFY_BIN" "$T/c/services/$name/rootfs/bin/sd-notify"
	[ -z "$json" ] || bundle_settings "$T/c/services/$name" "$json"
}

sv_start() {
	mkdir -p "$T/c/services"
	"$BIN/stele-supervisor" --containers "$T/c" --run "$T/run" --log-dir "$T/log" \
		--containerd-state "$T/cd" --containerd-root "$T/cdroot" --namespace "$SV_NS" \
		${SV_ONBOOT:---no-onboot} "$@" >"$SV_CONSOLE" 2>&1 &
	SV_PID=$!
}

sv_wait() {
	local regex=$1 secs=$2 i
	for ((i = 0; i < secs * 10; i++)); do
		grep -qaE "$regex" "$SV_CONSOLE" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "# timed out after ${secs}s waiting for /$regex/; console:" >&2
	sed 's/^/#   /' "$SV_CONSOLE" >&2
	return 1
}

sv_alive() { [ -n "$SV_PID" ] && kill -0 "$SV_PID" 2>/dev/null; }

sv_stop() {
	local secs=${1:-60} i
	SV_RC=
	sv_alive || return 0
	kill -TERM "$SV_PID"
	for ((i = 0; i < secs * 10; i++)); do
		sv_alive || break
		sleep 0.1
	done
	if sv_alive; then
		kill -KILL "$SV_PID"
		wait "$SV_PID" 2>/dev/null
		SV_RC=timeout
	else
		wait "$SV_PID" 2>/dev/null
		SV_RC=$?
	fi
	SV_PID=
}

ctl() { "$BIN/stelectl" --run "$T/run" "$@"; }
sv_field() { ctl status "$1" 2>/dev/null | awk -v f="$2" 'NR == 2 {print $f}'; }
sv_state() { sv_field "$1" 2; }
sv_pid() { sv_field "$1" 3; }

# Wait until service NAME is in STATE (a regex).
sv_wait_state() {
	local name=$1 state=$2 secs=$3 i
	for ((i = 0; i < secs * 10; i++)); do
		[[ $(sv_state "$name") =~ ^($state)$ ]] && return 0
		sleep 0.1
	done
	echo "# $name is '$(sv_state "$name")', not '$state', after ${secs}s; the supervisor's console ends:" >&2
	tail -n 25 "$SV_CONSOLE" 2>/dev/null | sed 's/^/#   /' >&2
	return 1
}

within() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

tl_events() {
	grep -h "\"kind\":\"service\",\"name\":\"$1\",\"event\":\"$2\"" "$T/run/timeline.jsonl" |
		sed 's/.*"t_ms":\([0-9.]*\).*/\1/'
}

# Whatever a failed test leaves: the supervisor, containerd, shims, the
# containers' processes (by their cgroups), runc's state. Only what carries
# this test's namespace or paths is touched, each process by its pid.
_sv_cleanup() {
	sv_stop 40
	local pid f
	for pid in $(cat "$T/run/containerd.pid" 2>/dev/null) \
		$(pgrep -f "containerd-shim-runc-v2 -namespace $SV_NS " 2>/dev/null); do
		kill -KILL "$pid" 2>/dev/null
	done
	for f in /sys/fs/cgroup/*/"$SV_NS"/*/cgroup.procs /sys/fs/cgroup/"$SV_NS"/*/cgroup.procs; do
		[ -f "$f" ] || continue
		for pid in $(cat "$f"); do kill -KILL "$pid" 2>/dev/null; done
	done
	sleep 0.2
	for f in /sys/fs/cgroup/*/"$SV_NS"/* /sys/fs/cgroup/*/"$SV_NS" /sys/fs/cgroup/"$SV_NS"/* \
		/sys/fs/cgroup/"$SV_NS"; do
		[ -d "$f" ] && rmdir "$f" 2>/dev/null
	done
	rm -rf "/run/containerd/runc/$SV_NS"
	true
}
at_exit _sv_cleanup
