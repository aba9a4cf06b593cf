# Boot a kernel + initrd in qemu, bounded, with the console in a file.
# Source after common.sh.
#
#   vm_boot LOG TIMEOUT INITRD "CMDLINE" [qemu args...]
# runs qemu to completion (the guest powers off, or TIMEOUT seconds pass)
# and returns qemu's exit status (124 on timeout). KVM is used when it
# works, TCG otherwise.
#   vm_start LOG INITRD "CMDLINE" [qemu args...]; vm_wait_for LOG REGEX SECS
# start qemu in the background (pid in $VM_PID) and wait for console text.
#   vm_secs_between LOG FROM TO
# seconds between the kernel timestamps of LOG's first line matching FROM
# and the first line after it matching TO (awk EREs), "?" when either is
# missing: a figure for the report, never an assertion.
#   qemu_monitor SOCKET CMD
# one command to a qemu monitor listening on a unix socket
# (-monitor unix:SOCKET,server,nowait); its answer on stdout.

VM_KERNEL=${VM_KERNEL:-$TOP/build/kernel/vmlinuz}
VM_MEM=${VM_MEM:-1024}

# KVM needs the CPU's virtualisation extensions; /dev/kvm alone is not
# enough (here it exists but hangs the guest).
vm_accel() {
	if [ -w /dev/kvm ] && grep -qE '\b(vmx|svm)\b' /proc/cpuinfo; then
		echo "-accel kvm -cpu host"
	else
		echo "-accel tcg -cpu max"
	fi
}
VM_ACCEL=${VM_ACCEL:-$(vm_accel)}
# One vCPU under TCG: QEMU 7.2's multi-threaded TCG can livelock two on the
# kernel's live code patching (builder/stele-run.sh says more).
case $VM_ACCEL in
*tcg*) VM_CPUS=${VM_CPUS:-1} ;;
*) VM_CPUS=${VM_CPUS:-2} ;;
esac

_vm_cmd() {
	local log=$1 initrd=$2 cmdline=$3; shift 3
	VM_CMD=(qemu-system-x86_64 $VM_ACCEL -m "$VM_MEM" -smp "$VM_CPUS" -nodefaults -no-reboot
		-display none -serial "file:$log" -kernel "$VM_KERNEL" -initrd "$initrd"
		-append "console=ttyS0 panic=-1 no_timer_check $cmdline" -nic none "$@")
}

vm_boot() {
	local log=$1 secs=$2 initrd=$3 cmdline=$4; shift 4
	_vm_cmd "$log" "$initrd" "$cmdline" "$@"
	timeout -k 5 "$secs" "${VM_CMD[@]}" </dev/null
}

vm_start() {
	local log=$1 initrd=$2 cmdline=$3; shift 3
	: >"$log"
	_vm_cmd "$log" "$initrd" "$cmdline" "$@"
	"${VM_CMD[@]}" </dev/null &
	VM_PID=$!
	at_exit "kill -9 $VM_PID 2>/dev/null"
}

# Wait until LOG matches REGEX (grep -E) or SECS pass. 0 when found.
vm_wait_for() {
	local log=$1 regex=$2 secs=$3 i
	for ((i = 0; i < secs * 4; i++)); do
		grep -qaE "$regex" "$log" 2>/dev/null && return 0
		sleep 0.25
	done
	return 1
}

vm_secs_between() {
	awk -v from="$2" -v to="$3" '
		/^\[ *[0-9]+\.[0-9]+\]/ {
			t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t)
			if (a == "" && $0 ~ from) a = t
			else if (a != "" && b == "" && $0 ~ to) b = t
		}
		END { if (a == "" || b == "") print "?"; else printf "%.1f\n", b - a }' "$1" 2>/dev/null
}

qemu_monitor() {
	python3 - "$1" "$2" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
time.sleep(0.3)
s.sendall((sys.argv[2] + "\n").encode())
time.sleep(0.5)
try:
    sys.stdout.write(s.recv(65536).decode(errors="replace"))
except OSError:
    pass
s.close()
PY
}
