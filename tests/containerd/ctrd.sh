# A private containerd for host tests of the C client. Source after
# common.sh (and bundle.sh). Needs root.
#
#   ctrd_start       start containerd with the config stele-ctrd writes:
#                    root/state/socket under $T, namespace $CTRD_NS (unique
#                    per test); waits for the API; stops everything at exit
#   sc ARGS...       stele-ctrd against it
#
# At exit every task of the namespace is killed and deleted through the API,
# containerd is stopped, and any shim of this containerd that survived is
# killed by pid, so no process, mount or runc state is left behind.
CTRD_NS=steletest$$
CTRD_SOCK=$T/containerd.sock
CTRD_LOG=$T/containerd.log

sc() { "$BIN/stele-ctrd" -a "$CTRD_SOCK" -n "$CTRD_NS" -t 60 "$@"; }

ctrd_start() {
	"$BIN/stele-ctrd" -a "$CTRD_SOCK" config "$T/ctrd-root" "$T/ctrd-state" "$T/containerd.toml" ||
		return 1
	containerd --config "$T/containerd.toml" >"$CTRD_LOG" 2>&1 &
	CTRD_PID=$!
	at_exit ctrd_stop
	"$BIN/stele-ctrd" -a "$CTRD_SOCK" -t 60 ready >"$T/ctrd-version"
}

# pids of the shims this containerd started (their cmdline names our socket)
_ctrd_shims() {
	local f
	for f in /proc/[0-9]*/cmdline; do
		tr '\0' ' ' 2>/dev/null <"$f" | grep -q -- "-address $CTRD_SOCK " &&
			basename "$(dirname "$f")"
	done
}

ctrd_stop() {
	local id rest
	if kill -0 "$CTRD_PID" 2>/dev/null; then
		sc list 2>/dev/null | while read -r id rest; do
			sc kill -a "$id" KILL >/dev/null 2>&1
			sc -t 20 wait-exit "$id" >/dev/null 2>&1
			sc rm "$id" >/dev/null 2>&1
		done
		kill "$CTRD_PID"
		wait "$CTRD_PID" 2>/dev/null
	fi
	for id in $(_ctrd_shims); do kill -9 "$id" 2>/dev/null; done
	rm -rf "/run/containerd/runc/$CTRD_NS"
}
