# Helpers for the package tests: unpack a package built by `make pkgs` into
# a runc bundle and adjust its spec. Source after tests/lib/common.sh.
#
#   pkg_need NAME...            exit the test failing unless build/pkg/NAME exists
#   pkg_bundle NAME DIR         umoci unpack build/pkg/NAME:latest into DIR,
#                               no terminal (as the builder writes services)
#   spec_edit DIR FILTER [ARG...]  apply a jq filter to DIR/config.json
#   spec_debug DIR HOSTROOT     what a debug container (getty, sshd) gets:
#                               all capabilities but the host-wide ones, the
#                               host root at /host, a tmpfs /run
#   rc_runc ARGS...             runc with a state root private to the test

RUNC_ROOT=$T/runc

pkg_need() {
	local n
	for n in "$@"; do
		[ -f "$BUILD/pkg/$n/index.json" ] && continue
		fail "package $n is not built: run make pkgs"
		exit 1
	done
}

pkg_bundle() {
	umoci unpack --image "$BUILD/pkg/$1:latest" "$2" >/dev/null &&
		spec_edit "$2" '.process.terminal = false'
}

spec_edit() {
	local dir=$1 filter=$2; shift 2
	jq "$@" "$filter" "$dir/config.json" >"$dir/config.json.new" &&
		mv "$dir/config.json.new" "$dir/config.json"
}

# Every capability but those that reach beyond the container: the console
# log level (SYSLOG), reboot, modules and the clock (SYS_RESOURCE is not in
# this build host's bounding set). SYS_ADMIN stays: agetty needs it to take
# a tty that is another session's controlling terminal.
DEBUG_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH","CAP_FOWNER",
 "CAP_FSETID","CAP_KILL","CAP_SETGID","CAP_SETUID","CAP_SETPCAP","CAP_NET_BIND_SERVICE",
 "CAP_NET_ADMIN","CAP_NET_RAW","CAP_IPC_LOCK","CAP_IPC_OWNER","CAP_SYS_CHROOT","CAP_SYS_ADMIN",
 "CAP_SYS_PTRACE","CAP_SYS_NICE","CAP_SYS_TTY_CONFIG","CAP_MKNOD",
 "CAP_AUDIT_WRITE","CAP_SETFCAP"]'
spec_debug() {
	local caps=$DEBUG_CAPS
	spec_edit "$1" '
		.process.capabilities = {bounding: $caps, effective: $caps, permitted: $caps} |
		.root.readonly = true |
		.mounts += [{destination: "/host", type: "bind", source: $host, options: ["rbind", "ro"]},
		            {destination: "/run", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=755"]},
		            {destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"]}]' \
		--argjson caps "$caps" --arg host "$2"
}

rc_runc() { runc --root "$RUNC_ROOT" "$@"; }

# rc_start ID DIR: run the bundle detached, its output in $T/ID.log; the
# container is deleted at exit.
rc_start() {
	at_exit "rc_runc delete -f $1 >/dev/null 2>&1"
	rc_runc run -d -b "$2" "$1" </dev/null >"$T/$1.log" 2>&1
}
# rc_stop ID: SIGTERM, up to 30 s to stop, then delete (SIGKILL).
rc_stop() {
	rc_runc kill "$1" TERM >/dev/null 2>&1
	wait_gone "$1" 30
	rc_runc delete -f "$1" >/dev/null 2>&1
}
# Wait up to SECS for the container to stop running.
wait_gone() {
	local i
	for ((i = 0; i < $2 * 4; i++)); do
		rc_runc state "$1" 2>/dev/null | grep -q '"status": "running"' || return 0
		sleep 0.25
	done
	return 1
}
