#!/bin/bash
# stele-run: boot a stele image (kernel+initrd or ISO) in qemu.
# `stele run` execs this. Exits with the guest's status: 0 when the guest
# powers off (or reboots: -no-reboot), 124 when the timeout passes, else
# qemu's status. Usage: stele run --help
set -u

usage() {
	cat <<'USAGE'
usage: stele run [options] DIR/NAME
  DIR/NAME is what `stele build -o DIR` wrote: NAME-kernel, NAME-initrd.img,
  NAME-cmdline (or NAME.iso).
  -m, --mem MB            guest memory (default 1024)
  -c, --cpus N            guest CPUs (default 2)
  -d, --disk FILE[:SIZE]  virtio state disk; created at SIZE (default 1G) when missing
  -u, --userdata FILE     userdata as a NoCloud cidata ISO (cloud-localds)
  -U, --fw-cfg FILE       userdata through qemu fw_cfg (opt/stele/userdata)
  -p, --publish [HOST:]PORT[:GUEST]  forward tcp 127.0.0.1:HOST to the guest
                          (user networking, restrict=on: the guest reaches nothing)
  -n, --no-net            no network card at all
  -l, --log FILE          console to FILE instead of the terminal
  -t, --timeout SECS      stop the guest after SECS (exit 124)
  -a, --append ARGS       extra kernel command-line arguments
  -q, --qemu ARG          pass ARG to qemu (repeatable)
USAGE
}

mem=1024 cpus=2 disk= userdata= fwcfg= log= secs= append= net=user
ports=() extra=()
while [ $# -gt 0 ]; do
	case $1 in
	-m | --mem) mem=$2; shift ;;
	-c | --cpus) cpus=$2; shift ;;
	-d | --disk) disk=$2; shift ;;
	-u | --userdata) userdata=$2; shift ;;
	-U | --fw-cfg) fwcfg=$2; shift ;;
	-p | --publish) ports+=("$2"); shift ;;
	-n | --no-net) net=none ;;
	-l | --log) log=$2; shift ;;
	-t | --timeout) secs=$2; shift ;;
	-a | --append) append=$2; shift ;;
	-q | --qemu) extra+=("$2"); shift ;;
	-h | --help) usage; exit 0 ;;
	-*) echo "stele run: unknown option $1 (stele run --help)" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
[ $# -eq 1 ] || { usage >&2; exit 2; }
image=$1

scratch=$(mktemp -d "${TMPDIR:-/tmp}/stele-run.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT

# KVM needs the CPU's virtualisation extensions, not just /dev/kvm.
if [ -w /dev/kvm ] && grep -qE '\b(vmx|svm)\b' /proc/cpuinfo; then
	accel=(-accel kvm -cpu host)
else
	accel=(-accel tcg -cpu max)
fi

cmd=(qemu-system-x86_64 "${accel[@]}" -m "$mem" -smp "$cpus" -nodefaults -no-reboot
	-display none)
if [ -f "$image.iso" ]; then
	cmd+=(-cdrom "$image.iso")
elif [ -f "$image-kernel" ] && [ -f "$image-initrd.img" ]; then
	cmdline=$(cat "$image-cmdline" 2>/dev/null || echo console=ttyS0)
	cmd+=(-kernel "$image-kernel" -initrd "$image-initrd.img"
		-append "$cmdline panic=-1${append:+ $append}")
else
	echo "stele run: no $image-kernel + $image-initrd.img or $image.iso; run stele build first" >&2
	exit 2
fi

if [ -n "$log" ]; then
	cmd+=(-serial "file:$log")
elif [ -t 0 ]; then
	cmd+=(-serial mon:stdio)
else
	cmd+=(-serial stdio)
fi

if [ "$net" = none ]; then
	cmd+=(-nic none)
else
	nic=user,model=virtio-net-pci,restrict=on
	for p in "${ports[@]}"; do
		IFS=: read -r a b c <<<"$p"
		if [ -n "$c" ]; then host=$b guest=$c; [ -n "$a" ] && host="$a:$b"
		elif [ -n "$b" ]; then host=$a guest=$b
		else host=$a guest=$a; fi
		case $host in *:*) ;; *) host=127.0.0.1:$host ;; esac
		nic+=",hostfwd=tcp:$host-:$guest"
	done
	cmd+=(-nic "$nic")
fi

if [ -n "$disk" ]; then
	file=${disk%%:*} size=1G
	[ "$file" != "$disk" ] && size=${disk#*:}
	if [ ! -e "$file" ]; then
		qemu-img create -q -f raw "$file" "$size" || exit 1
	fi
	cmd+=(-drive "file=$file,format=raw,if=virtio")
fi

if [ -n "$userdata" ]; then
	[ -r "$userdata" ] || { echo "stele run: --userdata $userdata: not readable" >&2; exit 2; }
	printf 'instance-id: stele\n' >"$scratch/meta-data" # the host name is the userdata's
	cloud-localds "$scratch/cidata.iso" "$userdata" "$scratch/meta-data" || exit 1
	cmd+=(-drive "file=$scratch/cidata.iso,format=raw,if=virtio,readonly=on")
fi
[ -n "$fwcfg" ] && cmd+=(-fw_cfg "name=opt/stele/userdata,file=$fwcfg")
cmd+=("${extra[@]}")

if [ -n "$secs" ]; then
	timeout -k 5 --foreground "$secs" "${cmd[@]}"
else
	"${cmd[@]}"
fi
