# Test disks for the state volume tests. Source after common.sh.
#
#   make_disk KIND IMG      write a disk image of that kind (sparse file)
#   DISK_KINDS              every kind, the blank one first
#   refusal_of KIND         what the console must say when KIND is refused
#   attach IMG              losetup it into $LOOP; detached at exit (call it
#                           directly, not in $(...): the cleanup belongs to
#                           the test's shell)
#   detach IMG              detach every loop device backed by IMG now

DISK_KINDS="zeroed ext4-file xfs vfat gpt mbr luks ambivalent random md10-end gpt-backup-end"

# An md 1.0 superblock at the end, written by hand: this machine's kernel
# has no md driver for mdadm --create. libblkid checks the magic, the
# major version and that super_offset points at itself.
_le_bytes() { # VALUE COUNT: little-endian, as printf escapes
	local v=$1 n=$2 out="" i
	for ((i = 0; i < n; i++)); do
		out="$out$(printf '\\x%02x' $((v & 255)))"
		v=$((v >> 8))
	done
	echo "$out"
}
_md10_superblock() {
	local img=$1 size off
	size=$(stat -c %s "$img")
	off=$(((size & ~0xfff) - 0x2000))
	{
		printf '\xfc\x4e\x2b\xa9\x01\x00\x00\x00' # magic, major_version 1
		head -c 24 /dev/zero                            # feature_map, pad0, set_uuid
		printf 'stele:0'                                # set_name
		head -c $((72 - 39)) /dev/zero
		printf '\x01\x00\x00\x00' # level: raid1
		head -c $((144 - 76)) /dev/zero
		printf "$(_le_bytes $((off / 512)) 8)" # super_offset
	} | dd of="$img" bs=1 seek="$off" conv=notrunc status=none
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

# By backing file, never by number: a number freed here may already be
# another test's device.
detach() {
	local dev
	for dev in $(losetup -n -O NAME -j "$1"); do losetup -d "$dev"; done
}

attach() {
	LOOP=$(losetup -f --show "$1") || return 1
	at_exit "detach '$1'"
}
