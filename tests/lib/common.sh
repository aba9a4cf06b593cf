# Shared shell helpers for integration tests. Source it:
#   . "$(dirname "$0")/../lib/common.sh"
# It sets TOP (the repo), BUILD, BIN, and a per-test scratch dir $T that is
# removed at exit. TAP helpers: ok/fail/check print "ok N - what".
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
