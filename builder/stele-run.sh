#!/bin/bash
# stele-run: boot a stele image, in any format `stele build` writes, in qemu.
# `stele run` execs this. Exits with the guest's status: 0 when the guest
# powers off (or reboots: -no-reboot), 124 when the timeout passes, else
# qemu's status. Usage: stele run --help
set -u

usage() {
	cat <<'USAGE'
usage: stele run [options] DIR/NAME | FILE
  DIR/NAME is what `stele build -o DIR` wrote; when it wrote several formats,
  the first present of kernel+initrd (NAME-kernel, NAME-initrd.img,
  NAME-cmdline), iso, uki, raw-efi, raw-bios, qcow2, vhd, vmdk, gcp boots,
  or the one --format names. FILE is one output: NAME.iso, NAME.efi,
  NAME-efi.img, NAME-bios.img, NAME.qcow2, NAME.vhd, NAME.vmdk, NAME.img.tar.gz.
  -f, --format FORMAT     which output of DIR/NAME to boot
  -F, --firmware bios|efi SeaBIOS or OVMF (default: OVMF for uki, raw-efi,
                          vhd, vmdk, gcp; SeaBIOS for the others)
  -S, --secure-boot       OVMF with Secure Boot enforced (q35 with SMM)
  -V, --efi-vars FILE     EFI variable store to start from (a copy is used;
                          default OVMF_VARS_4M.fd, with --secure-boot
                          OVMF_VARS_4M.snakeoil.fd: Debian's test keys)
  -m, --mem MB            guest memory (default 1024)
  -c, --cpus N            guest CPUs (default 2; 1 without KVM)
  -d, --disk FILE[:SIZE]  virtio state disk; created at SIZE (default 1G) when missing
  -u, --userdata FILE     userdata as a NoCloud cidata ISO (cloud-localds)
  -U, --fw-cfg FILE       userdata through qemu fw_cfg (opt/stele/userdata)
  -p, --publish [HOST:]PORT[:GUEST]  forward tcp 127.0.0.1:HOST to the guest
                          (user networking, restrict=on: the guest reaches nothing)
  -n, --no-net            no network card at all
  -l, --log FILE          console to FILE instead of the terminal
  -t, --timeout SECS      stop the guest after SECS (exit 124)
  -a, --append ARGS       extra kernel command-line arguments (kernel+initrd
                          only: the other formats hold their command line)
  -q, --qemu ARG          pass ARG to qemu (repeatable)
USAGE
}

mem=1024 cpus= disk= userdata= fwcfg= log= secs= append= tcg_append= net=user
format= firmware= secure= vars=
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
	-f | --format) format=$2; shift ;;
	-F | --firmware) firmware=$2; shift ;;
	-S | --secure-boot) secure=1 ;;
	-V | --efi-vars) vars=$2; shift ;;
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
	# Under emulation a loaded host can miss the kernel's IO-APIC timer
	# check, which then panics; the check proves nothing on a virtual board.
	tcg_append=no_timer_check
	# QEMU 7.2's multi-threaded TCG can livelock two vCPUs on the kernel's
	# live code patching (the memcg static branch in __alloc_pages that
	# the first container cgroup flips): soft lockups, no boot. One vCPU
	# has nothing to race, and boots no slower here.
	cpus=${cpus:-1}
fi
cpus=${cpus:-2}

# The format of a file, from the name stele build gives it.
format_of_file() {
	case $1 in
	*.iso) echo iso ;;
	*.efi) echo uki ;;
	*-efi.img) echo raw-efi ;;
	*-bios.img) echo raw-bios ;;
	*.qcow2) echo qcow2 ;;
	*.vhd) echo vhd ;;
	*.vmdk) echo vmdk ;;
	*.tar.gz) echo gcp ;;
	*-kernel) echo kernel+initrd ;;
	*) return 1 ;;
	esac
}

# DIR/NAME + a format: the file to boot (for kernel+initrd, the kernel).
file_of() {
	case $2 in
	kernel+initrd) echo "$1-kernel" ;;
	iso) echo "$1.iso" ;;
	uki) echo "$1.efi" ;;
	raw-efi) echo "$1-efi.img" ;;
	raw-bios) echo "$1-bios.img" ;;
	qcow2 | vhd | vmdk) echo "$1.$2" ;;
	gcp) echo "$1.img.tar.gz" ;;
	*) return 1 ;;
	esac
}

formats="kernel+initrd iso uki raw-efi raw-bios qcow2 vhd vmdk gcp"
if [ -n "$format" ] && ! file_of x "$format" >/dev/null; then
	echo "stele run: --format $format: expected one of: $formats" >&2
	exit 2
fi
if [ -f "$image" ]; then
	file=$image
	[ -n "$format" ] || format=$(format_of_file "$image") ||
		{ echo "stele run: $image: not a name stele build writes; give --format" >&2; exit 2; }
	image=${image%-kernel}
elif [ -n "$format" ]; then
	file=$(file_of "$image" "$format")
else
	for f in $formats; do
		file=$(file_of "$image" "$f")
		[ -f "$file" ] && { format=$f; break; }
	done
fi
if [ -z "$format" ]; then
	echo "stele run: no image at $image (NAME-kernel, NAME.iso, NAME.efi, NAME-efi.img, ...); run stele build first" >&2
	exit 2
elif [ ! -f "$file" ]; then
	echo "stele run: no $format at $image ($file); run stele build first" >&2
	exit 2
fi
if [ -n "$append" ] && [ "$format" != kernel+initrd ]; then
	echo "stele run: --append works with kernel+initrd only: $format holds its command line; rebuild with kernel.cmdline" >&2
	exit 2
fi

case $format in
uki | raw-efi | vhd | vmdk | gcp) : "${firmware:=efi}" ;;
*) : "${firmware:=bios}" ;;
esac
[ -n "$secure" ] && firmware=efi
case $firmware in
bios | efi) ;;
*) echo "stele run: --firmware $firmware: expected bios or efi" >&2; exit 2 ;;
esac
if [ "$firmware" = bios ]; then
	case $format in
	uki | raw-efi | vhd | vmdk | gcp)
		echo "stele run: $format boots through EFI only; drop --firmware bios" >&2; exit 2 ;;
	esac
fi

cmd=(qemu-system-x86_64 "${accel[@]}" -m "$mem" -smp "$cpus" -nodefaults -no-reboot
	-display none)

# OVMF from Debian's ovmf: its code read-only, a private copy of the
# variable store. Secure Boot needs SMM (q35) and the secure flash.
if [ "$firmware" = efi ]; then
	ovmf=/usr/share/OVMF
	code=$ovmf/OVMF_CODE_4M.fd
	if [ -n "$secure" ]; then
		code=$ovmf/OVMF_CODE_4M.secboot.fd
		: "${vars:=$ovmf/OVMF_VARS_4M.snakeoil.fd}"
		cmd+=(-machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on)
	fi
	: "${vars:=$ovmf/OVMF_VARS_4M.fd}"
	for f in "$code" "$vars"; do
		[ -r "$f" ] || { echo "stele run: $f missing: apt-get install ovmf (or give --efi-vars)" >&2; exit 2; }
	done
	cp "$vars" "$scratch/efi-vars.fd" || exit 1
	cmd+=(-drive "if=pflash,format=raw,unit=0,file=$code,readonly=on"
		-drive "if=pflash,format=raw,unit=1,file=$scratch/efi-vars.fd")
fi

# The boot disk, first in the firmware's boot order.
boot_disk() { # FILE FORMAT [OPTIONS]
	cmd+=(-drive "file=$1,format=$2,if=none,id=boot${3:+,$3}"
		-device virtio-blk-pci,drive=boot,bootindex=0)
}
case $format in
kernel+initrd)
	cmdline=$(cat "$image-cmdline" 2>/dev/null || echo console=ttyS0)
	[ -f "$image-initrd.img" ] || { echo "stele run: $image-initrd.img missing; run stele build first" >&2; exit 2; }
	cmd+=(-kernel "$file" -initrd "$image-initrd.img"
		-append "$cmdline panic=-1${tcg_append:+ $tcg_append}${append:+ $append}") ;;
iso)
	cmd+=(-drive "file=$file,format=raw,if=none,id=boot,media=cdrom,readonly=on"
		-device ide-cd,drive=boot,bootindex=0) ;;
uki)
	# The removable-media path of a FAT disk that qemu makes of a folder.
	mkdir -p "$scratch/esp/EFI/BOOT"
	ln "$file" "$scratch/esp/EFI/BOOT/BOOTX64.EFI" 2>/dev/null ||
		cp "$file" "$scratch/esp/EFI/BOOT/BOOTX64.EFI" || exit 1
	boot_disk "fat:$scratch/esp" raw readonly=on ;;
raw-efi | raw-bios) boot_disk "$file" raw ;;
qcow2) boot_disk "$file" qcow2 ;;
# Import formats: booted as they are, the file left unchanged.
vhd) boot_disk "$file" vpc snapshot=on ;;
vmdk) boot_disk "$file" vmdk snapshot=on ;;
gcp)
	tar -xzf "$file" -C "$scratch" disk.raw ||
		{ echo "stele run: $file: no disk.raw in it" >&2; exit 2; }
	boot_disk "$scratch/disk.raw" raw ;;
esac

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
