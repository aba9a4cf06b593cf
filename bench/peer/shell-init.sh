#!/bin/sh
# The "shell" peer of `make bench`: busybox sh as PID 1 doing the same steps
# as stele with the same binaries and bundles, the way a hand-written init
# does them. With PEER_SERVICES=lkservice it is the LinuxKit-style peer:
# services are started by bench/peer/lkservice (containerd's Go client).
# Milestones are printed as "peer: MILESTONE UPTIME_SECONDS [DETAIL]".
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

mark() { read -r up _ </proc/uptime; echo "peer: $1 $up${2:+ $2}" >/dev/console; }

if [ "$1" != stage2 ]; then
	# Leave the initramfs: runc cannot pivot_root off rootfs.
	mount -t proc proc /proc
	mark init
	mkdir -p /newroot
	mount -t tmpfs -o mode=0755 root /newroot
	for d in /*; do
		case $d in /newroot | /proc | /sys | /dev) mkdir -p "/newroot$d" ;; *) cp -a "$d" /newroot/ ;; esac
	done
	umount /proc
	exec switch_root /newroot /sbin/init stage2
fi

mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
mount -t devtmpfs -o nosuid,mode=0755 dev /dev
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts -o nosuid,noexec,gid=5,mode=0620 devpts /dev/pts
mount -t tmpfs -o nosuid,nodev shm /dev/shm
mount -t tmpfs -o nosuid,nodev,mode=0755 run /run
mount -t tmpfs -o nosuid,nodev tmp /tmp
mount -t tmpfs -o nosuid,nodev,mode=0755 var /var
mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 /sys/fs/cgroup
echo "+cpu +memory +pids +io" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
mark mounts

conf() { sed -n "s/^$1=//p" /etc/stele/init.conf 2>/dev/null | tail -n 1; }
modules=$(conf modules)
state=$(conf state)
for m in $modules; do modprobe "$m"; done
for f in /etc/sysctl.d/*.conf; do [ -f "$f" ] && sysctl -q -p "$f"; done
[ -f /etc/hostname ] && hostname -F /etc/hostname
ip link set lo up
mark setup

dev=/dev/vda
case $state in /dev/*) dev=$state ;; esac
i=0
while [ ! -b "$dev" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ -b "$dev" ]; then
	# Format only a blank device (its first MiB all zeros): busybox has no blkid.
	if [ -z "$(dd if="$dev" bs=64k count=16 2>/dev/null | tr -d '\0' | head -c 1)" ]; then
		/sbin/mke2fs -q -t ext4 -L stele-state "$dev"
	fi
	/sbin/e2fsck -p "$dev" >/dev/null
	mkdir -p /var/lib && mount -o noatime "$dev" /var/lib
fi
mark state

mkdir -p /run/runc /run/stele
for b in /containers/onboot/*/; do
	[ -f "$b/config.json" ] || continue
	runc --root /run/runc run --bundle "$b" "onboot-$(basename "$b")" </dev/null >/dev/console 2>&1
done
mark onboot

mkdir -p /var/log
containerd >/var/log/containerd.log 2>&1 &
containerd_pid=$!
i=0
until ctr version >/dev/null 2>&1 || [ $i -gt 1200 ]; do sleep 0.05; i=$((i + 1)); done
mark containerd

total=0
for b in /containers/services/*/; do [ -f "$b/config.json" ] && total=$((total + 1)); done
if [ "${PEER_SERVICES:-ctr}" = lkservice ]; then
	out=$(/usr/bin/lkservice /containers/services 2>/dev/console)
	echo "$out" >/dev/console
	ok=${out#lkservice: }
	ok=${ok%%/*}
else
	# One after another, as a hand-written init does: several `ctr run
	# --detach` at once can hang (seen under TCG). ctr takes a spec file
	# only with an absolute root path, and no rootfs argument.
	ok=0
	mkdir -p /run/peer
	for b in /containers/services/*/; do
		[ -f "$b/config.json" ] || continue
		name=$(basename "$b")
		sed "s|\"path\": *\"rootfs\"|\"path\": \"${b}rootfs\"|" "$b/config.json" >"/run/peer/$name.json"
		ctr -n services run --detach --config "/run/peer/$name.json" "$name" \
			</dev/null >/dev/null 2>/dev/console && ok=$((ok + 1))
	done
fi
# "peer: services UPTIME started=OK/TOTAL"
mark services "started=$ok/$total"
used=$(awk '/^MemTotal:/ {t = $2} /^MemAvailable:/ {a = $2} END {print t - a}' /proc/meminfo)
shims=$(pidof containerd-shim-runc-v2)
echo "peer: memory used_kb=$used shims=$(echo $shims | wc -w)" >/dev/console

# The same order as stele's shutdown, the way a shell init does it: every
# service SIGTERM and a bounded wait, containerd, the state volume, then
# power off. The probe asks with SIGUSR2 (busybox init's convention).
ns=services
[ "${PEER_SERVICES:-ctr}" = lkservice ] && ns=services.linuxkit
running() { ctr -n "$ns" task ls -q 2>/dev/null | grep -c .; }
shutdown() {
	mark shutdown
	pids=""
	for t in $(ctr -n "$ns" task ls -q 2>/dev/null); do
		ctr -n "$ns" task kill "$t" 2>/dev/null &
		pids="$pids $!"
	done
	for p in $pids; do wait "$p"; done
	# Each ctr is a Go process costing about a second under TCG: poll slowly.
	i=0
	while [ "$(running)" -gt 0 ] && [ $i -lt 10 ]; do sleep 1; i=$((i + 1)); done
	for t in $(ctr -n "$ns" task ls -q 2>/dev/null); do ctr -n "$ns" task kill -s KILL "$t" 2>/dev/null; done
	kill "$containerd_pid" 2>/dev/null
	wait "$containerd_pid" 2>/dev/null
	sync
	umount /var/lib 2>/dev/null || mount -o remount,ro /var/lib
	mark poweroff
	poweroff -f
}
trap shutdown USR2 TERM
# The probe (/run/stele is its /run) asks for poweroff only after this.
: >/run/stele/peer-up

# Block until the probe asks for poweroff or the host kills the VM.
while :; do
	sleep 3600 &
	wait $!
done
