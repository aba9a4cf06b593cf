# Shared shell helpers for integration tests. Source it:
#   . "$(dirname "$0")/../lib/common.sh"
# It sets TOP (the repo), BUILD, BIN, and a per-test scratch dir $T that is
# removed at exit. TAP helpers: ok/fail/check print "ok N - what". Also:
# retry (poll a command), kill_tree (a background VM and its children),
# netns_new (a network namespace removed at exit).
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=$TOP/build
BIN=$BUILD/bin
T=$(mktemp -d "${TMPDIR:-/tmp}/stele-test.XXXXXX")
_tap_n=0
_tap_failed=0
_cleanups=()

at_exit() { _cleanups+=("$*"); }
_run_cleanups() {
	local i
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do eval "${_cleanups[$i]}" || true; done
	rm -rf "$T"
}
trap _run_cleanups EXIT

ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
fail() { _tap_n=$((_tap_n + 1)); _tap_failed=1; echo "not ok $_tap_n - $*"; }
# check "what" command...: ok when the command succeeds.
check() {
	local what=$1; shift
	if "$@"; then ok "$what"; else fail "$what"; fi
}
# The exit code a test should end with.
tap_status() { return $_tap_failed; }
skip_all() { echo "skip: $*"; exit 77; }
need_root() { [ "$(id -u)" = 0 ] || skip_all "needs root"; }

# retry SECS CMD...: run CMD every 0.25 s until it succeeds or SECS pass.
retry() {
	local secs=$1 i; shift
	for ((i = 0; i < secs * 4; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.25
	done
	return 1
}

# kill_tree PID: SIGKILL a process and its descendants, each by its pid
# (a VM started in the background: stele run -> timeout -> qemu).
kill_tree() {
	[[ $1 =~ ^[0-9]+$ ]] && [ "$1" -gt 1 ] || return 0
	local c
	for c in $(ps -o pid= --ppid "$1"); do kill_tree "$c"; done
	kill -9 "$1" 2>/dev/null
}

# netns_new NAME: a network namespace with lo up, removed at exit. Its path
# is /run/netns/NAME.
netns_new() {
	ip netns add "$1" && at_exit "ip netns del $1"
	ip -n "$1" link set lo up
}
