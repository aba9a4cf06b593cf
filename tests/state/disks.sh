# Test disks for the state volume tests. Source after common.sh.
#
#   make_disk KIND IMG      write a disk image of that kind (sparse file)
#   DISK_KINDS              every kind, the blank one first
#   refusal_of KIND         what the console must say when KIND is refused
#   attach IMG              losetup it; prints the device, detached at exit

DISK_KINDS="zeroed ext4-file xfs vfat gpt mbr luks ambivalent random md10-end gpt-backup-end"

# An md 1.0 superblock at the end, written by hand: this machine's kernel
# has no md driver for mdadm --create. libblkid checks the magic, the
# major version and that super_offset points at itself.
_md10_superblock() {
	python3 - "$1" <<'PY'
import os, struct, sys
img = sys.argv[1]
size = os.path.getsize(img)
off = (size & ~0xfff) - 0x2000
sb = bytearray(512)
struct.pack_into("<IIII", sb, 0, 0xa92b4efc, 1, 0, 0)
sb[16:32] = os.urandom(16)
sb[32:40] = b"stele:0"
struct.pack_into("<I", sb, 72, 1)            # level: raid1
struct.pack_into("<Q", sb, 144, off // 512)  # super_offset
with open(img, "r+b") as f:
    f.seek(off)
    f.write(sb)
PY
}

make_disk() {
	local kind=$1 img=$2 size=64M
	[ "$kind" = xfs ] && size=320M
	rm -f "$img"
	truncate -s "$size" "$img"
	case $kind in
	zeroed) ;;
	ext4-file)
		mkfs.ext4 -q -F "$img" &&
			echo "precious data" >"$img.file" &&
			debugfs -w -R "write $img.file precious.txt" "$img" >/dev/null 2>&1
		;;
	xfs) mkfs.xfs -q -f "$img" ;;
	vfat) mkfs.vfat "$img" >/dev/null ;;
	gpt) sgdisk -o "$img" >/dev/null ;;
	mbr) echo 'label: dos' | sfdisk -q "$img" ;;
	luks)
		echo -n test-passphrase | cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 \
			--pbkdf-force-iterations 1000 --key-file=- "$img"
		;;
	ambivalent) # ext4, plus an xfs superblock in the boot sector ext4 leaves alone
		make_disk xfs "$img.xfs" && mkfs.ext4 -q -F "$img" &&
			dd if="$img.xfs" of="$img" bs=512 count=1 conv=notrunc status=none &&
			rm -f "$img.xfs"
		;;
	random) head -c 64M /dev/urandom >"$img" ;;
	md10-end) _md10_superblock "$img" ;;
	gpt-backup-end) # only the backup GPT at the end survives
		sgdisk -o "$img" >/dev/null &&
			dd if=/dev/zero of="$img" bs=1M count=1 conv=notrunc status=none
		;;
	*) echo "make_disk: unknown kind $kind" >&2; return 1 ;;
	esac
}

refusal_of() {
	case $1 in
	ext4-file) echo "ext4 filesystem labelled ''" ;;
	xfs) echo "xfs filesystem" ;;
	vfat) echo "vfat filesystem" ;;
	gpt) echo "gpt partition table" ;;
	mbr) echo "dos partition table" ;;
	luks) echo "crypto_LUKS signature" ;;
	ambivalent) echo "ambivalent probe: signatures of (ext4 and xfs|xfs and ext4)" ;;
	random) echo "no known signature, but data in the first and last MiB" ;;
	md10-end) echo "linux_raid_member signature" ;;
	gpt-backup-end) echo "no known signature, but data in the last MiB" ;;
	esac
}

attach() {
	local dev
	dev=$(losetup -f --show "$1") || return 1
	at_exit "losetup -d $dev"
	echo "$dev"
}
