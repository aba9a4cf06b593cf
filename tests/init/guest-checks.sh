#!/bin/sh
# Runs inside a test image as the "supervisor" PID 1 hands over to. It
# checks what PID 1 set up and prints TAP-like lines ("guest ok - ...",
# "guest not ok - ...") on the console for the host test to grep. Then it
# asks PID 1 for the shutdown named in /etc/stele-test/shutdown (a signal
# name) and waits for SIGTERM, as a real supervisor would.
# The host test decides what to expect through /etc/stele-test/expect.
set -a # the checks below run in child shells
. /etc/stele-test/expect
set +a

check() {
	what=$1
	shift
	# stdout hidden; stderr shows why a check failed.
	if "$@" >/dev/null; then echo "guest ok - $what"; else echo "guest not ok - $what"; fi
}

# fd hygiene first: only 0-2 may come from PID 1. busybox sh itself keeps
# fds of its own at 10 and above (the script, fds it saves around a
# redirection), so an fd from 3 to 9 is one PID 1 leaked (PID 1's own fds,
# kmsg, signalfd, epoll, are all below 10).
ls -l /proc/$$/fd >/tmp/fds-at-start
fds_are_clean() {
	! awk '$(NF-2) ~ /^[3-9]$/ {print "leaked fd", $(NF-2), "->", $NF; bad = 1} END {exit !bad}' /tmp/fds-at-start >&2
}
check "only fds 0-2 reach the supervisor" fds_are_clean
# The links of 0-2 as PID 1 gave them (no redirection in this shell yet).
stdio="$(readlink /proc/$$/fd/0) $(readlink /proc/$$/fd/1) $(readlink /proc/$$/fd/2)"

# Every fd PID 1 holds is close-on-exec (flags in fdinfo, octal 02000000).
pid1_fds_cloexec() {
	for info in /proc/1/fdinfo/*; do
		n=${info##*/}
		[ "$n" -le 2 ] && continue
		flags=$(sed -n 's/^flags:[[:space:]]*//p' "$info")
		[ $((0$flags & 02000000)) -ne 0 ] || { echo "PID 1 fd $n not CLOEXEC" >&2; return 1; }
	done
}
check "every fd of PID 1 above 2 is O_CLOEXEC" pid1_fds_cloexec

mounted() { # TARGET TYPE [OPTION...]
	line=$(awk -v t="$1" '$2 == t {l = $0} END {print l}' /proc/mounts)
	[ -n "$line" ] || return 1
	[ "$(echo "$line" | awk '{print $3}')" = "$2" ] || return 1
	shift 2
	for opt in "$@"; do echo "$line" | awk '{print $4}' | tr , '\n' | grep -qx "$opt" || return 1; done
}
check "/proc is proc, nosuid,nodev,noexec" mounted /proc proc nosuid nodev noexec
check "/sys is sysfs" mounted /sys sysfs nosuid nodev noexec
check "/dev is devtmpfs, nosuid,noexec" mounted /dev devtmpfs nosuid noexec
check "/dev/pts is devpts" mounted /dev/pts devpts
check "/dev/shm is tmpfs" mounted /dev/shm tmpfs nosuid nodev noexec
check "/dev/mqueue is mqueue" mounted /dev/mqueue mqueue
check "/run is tmpfs nosuid,nodev" mounted /run tmpfs nosuid nodev
run_size_bounded() { # /run's size= is at most a fifth of memory (page rounding aside)
	size=$(awk '$2 == "/run" {print $4}' /proc/mounts | tr , '\n' | sed -n 's/^size=\([0-9]*\)k$/\1/p' | tail -n 1)
	mem=$(awk '$1 == "MemTotal:" {print $2}' /proc/meminfo)
	[ -n "$size" ] && [ "$size" -gt 0 ] && [ "$size" -le $((mem / 5 + 4)) ]
}
check "/run is bounded at 20% of memory" run_size_bounded
check "/tmp is tmpfs" mounted /tmp tmpfs nosuid nodev
check "/var is a size-bounded tmpfs" mounted /var tmpfs nosuid nodev "size=$EXPECT_VAR_SIZE"
check "/var/tmp is there, sticky and world-writable (LinuxKit's)" [ "$(stat -c %a /var/tmp)" = 1777 ]
check "cgroup2 on /sys/fs/cgroup" mounted /sys/fs/cgroup cgroup2 nsdelegate
check "cgroup controllers enabled for children" grep -qw memory /sys/fs/cgroup/cgroup.subtree_control
check "securityfs mounted (the kernel has it)" mounted /sys/kernel/security securityfs
check "root is read-only" mounted / "$EXPECT_ROOT_FS" ro
check "root cannot be written" sh -c '! touch /stele-write-test'
check "root is shared" grep -q ' / / .*shared:' /proc/self/mountinfo
# The kernel's rootfs is its own parent in mountinfo; the bind of it that
# init moved over "/" has a parent, which is what pivot_root(2) needs.
left_initramfs() {
	awk '$5 == "/" { found = 1; if ($1 == $2) bad = 1 } END { exit !(found && !bad) }' /proc/self/mountinfo &&
		[ -x /sbin/init ] && [ ! -e /.stele-root ]
}
check "left the initramfs root: / is a mount with a parent (pivot_root works)" left_initramfs
check "the root directory is 0755, not the kernel's 1777 (sshd StrictModes)" sh -c '[ "$(stat -c %a /)" = 755 ]'
check "hard links kept by the move" sh -c '[ "$(stat -c %i /bin/busybox-hardlink)" = "$(stat -c %i /bin/busybox)" ]'
check "identical files unpacked by the kernel as one inode (dedup)" \
	sh -c '[ "$(stat -c %i:%h /bin/busybox-copy)" = "$(stat -c %i /bin/busybox):3" ] && /bin/busybox-copy true'
check "device nodes kept by the move" sh -c '[ -c /stele-null ] && [ "$(stat -c %t:%T /stele-null)" = 1:3 ]'
check "symlinks kept by the move" sh -c '[ "$(readlink /init)" = sbin/init ]'
check "modes kept by the move" sh -c '[ "$(stat -c %a /etc/stele-test/mode-0640)" = 640 ]'
check "hostname is $EXPECT_HOSTNAME" sh -c '[ "$(hostname)" = "$EXPECT_HOSTNAME" ]'
check "lo is up" sh -c 'ip link show lo | grep -q "UP"'
check "lo has 127.0.0.1/8" sh -c 'ip addr show lo | grep -q "inet 127.0.0.1/8"'
check "lo has ::1" sh -c 'ip addr show lo | grep -q "inet6 ::1/128"'
check "ping 127.0.0.1 answers" ping -c 1 -W 5 127.0.0.1
check "virtio_pci and virtio_blk loaded: the virtio disk appeared" test -b /dev/vda
check "virtio_net loaded" grep -q '^virtio_net ' /proc/modules
check "qemu_fw_cfg loaded" grep -q '^qemu_fw_cfg ' /proc/modules
check "isofs loaded with its dependency cdrom" sh -c 'grep -q "^isofs " /proc/modules && grep -q "^cdrom " /proc/modules'
check "button and evdev loaded (the default list)" sh -c 'grep -q "^button " /proc/modules && grep -q "^evdev " /proc/modules'
check "PID 1 watches the ACPI power button" sh -c 'ls -l /proc/1/fd | grep -q /dev/input/event'
check "sysctl vm.swappiness = 13 applied" sh -c '[ "$(cat /proc/sys/vm/swappiness)" = 13 ]'
check "sysctl.d files applied in name order" sh -c "[ \"\$(cat /proc/sys/kernel/domainname)\" = \"\$EXPECT_DOMAINNAME\" ]"
check "NOFILE raised for containerd" sh -c '[ "$(ulimit -n)" -ge 1048576 ]'
check "PID 1 is the resident stele-pid1 (stage 1 exec'd it)" sh -c '[ "$(readlink /proc/1/exe)" = /sbin/stele-pid1 ]'
# Private_Clean + Private_Dirty: on a tmpfs root only PID 1 maps its binary,
# so its text pages count as private too.
pid1_private_kb=$(awk '/^Private_(Clean|Dirty):/ {p += $2} END {print p + 0}' /proc/1/smaps_rollup)
echo "guest: pid1 private_kb=$pid1_private_kb"
check "PID 1's private memory is at most 256 KiB ($pid1_private_kb kB)" [ "$pid1_private_kb" -le 256 ]
check "PID 1 oom_score_adj is -1000" sh -c '[ "$(cat /proc/1/oom_score_adj)" = -1000 ]'
check "the supervisor's oom_score_adj is -900 (OOM takes services first)" sh -c '[ "$(cat /proc/$$/oom_score_adj)" = -900 ]'
check "boot timeline written" sh -c 'grep -q "\"name\":\"modules\"" /run/stele/boot-timeline.json && grep -q "\"name\":\"rootfs\"" /run/stele/boot-timeline.json'
stdio_as_pid1_gives_it() {
	[ "$stdio" = "/dev/null /dev/console /dev/console" ] || { echo "stdio: $stdio" >&2; return 1; }
}
check "stdin is /dev/null, stdout and stderr /dev/console" stdio_as_pid1_gives_it
echo "guest checks done"

trap 'echo "guest: supervisor got SIGTERM"; exit 0' TERM
kill -s "$SHUTDOWN_SIGNAL" 1
while :; do sleep 1; done
