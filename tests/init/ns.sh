# Run stele's init as PID 1 of new PID, mount, UTS, IPC and network
# namespaces, chrooted into a staged tree: the whole PID 1 on this machine,
# without a VM. In a non-initial PID namespace reboot(2) ends the namespace,
# and its init looks killed by SIGHUP (restart) or SIGINT (halt, poweroff).
# Source after common.sh, stage.sh and vm.sh (for vm_wait_for).
#
#   ns_boot DIR LOG [ramfs]  start init in DIR (bind-mounted on itself, so
#                            "/" is a mount point; or copied into a fresh
#                            ramfs, so init must leave it as it leaves an
#                            initramfs). Sets NS_PID (unshare) and NS_INIT
#                            (init, as this host sees it).
#   ns_wait_exit SECS        wait for the namespace to end; NS_STATUS is
#                            128 + the signal that ended its init.
#   ns_kill                  end it now (SIGKILL to its init).
# The host's /proc/cmdline is what init reads here: with `quiet` on it, only
# notices, warnings and errors reach the log.

ns_boot() {
	local dir=$1 log=$2 mode=${3:-bind} setup i
	if [ "$mode" = ramfs ]; then
		mkdir -p "$T/ramfs-root"
		setup="mount -t ramfs ramfs '$T/ramfs-root' && cp -a '$dir/.' '$T/ramfs-root/'"
		dir=$T/ramfs-root
	else
		setup="mount --bind '$dir' '$dir'"
	fi
	NS_INIT=
	(
		# As the kernel starts PID 1: no fd but 0-2 (not the test runner's).
		# A glob, not ls: a child here would pass for init below.
		for fd in "/proc/$BASHPID/fd"/*; do
			fd=${fd##*/}
			[ "$fd" -le 2 ] || eval "exec $fd>&-"
		done
		exec unshare --pid --mount --uts --ipc --net --fork \
			sh -c "$setup && exec chroot '$dir' /sbin/init"
	) </dev/null >"$log" 2>&1 &
	NS_PID=$!
	at_exit ns_kill
	for ((i = 0; i < 40; i++)); do
		NS_INIT=$(tr -d ' \n' <"/proc/$NS_PID/task/$NS_PID/children" 2>/dev/null)
		[ -n "$NS_INIT" ] && return 0
		sleep 0.25
	done
	return 1
}

ns_wait_exit() {
	local secs=$1 i
	for ((i = 0; i < secs * 4; i++)); do
		kill -0 "$NS_PID" 2>/dev/null || break
		sleep 0.25
	done
	if kill -0 "$NS_PID" 2>/dev/null; then
		NS_STATUS=timeout
		return 1
	fi
	wait "$NS_PID"
	NS_STATUS=$?
	NS_INIT=
}

ns_kill() {
	[ -n "${NS_INIT:-}" ] && kill -9 "$NS_INIT" 2>/dev/null
	[ -n "${NS_PID:-}" ] && wait "$NS_PID" 2>/dev/null
	NS_INIT=
	return 0
}

# Zombie children of the namespace's init, as the host sees them.
ns_zombies() {
	local c n=0
	for c in $(cat "/proc/$NS_INIT/task/$NS_INIT/children" 2>/dev/null); do
		grep -q '^State:.*Z' "/proc/$c/status" 2>/dev/null && n=$((n + 1))
	done
	echo "$n"
}

# The last line of LOG that names stele.
ns_last_stele_line() {
	grep -a 'stele: ' "$1" | tail -n 1
}
