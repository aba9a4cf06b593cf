# Test disks for the state volume tests. Source after common.sh.
#
#   make_disk KIND IMG      write a disk image of that kind (sparse file)
#   DISK_KINDS              every kind, the blank one first (and not
#                           "labelled": ext4 labelled stele-state, kept.txt)
#   refusal_of KIND         what the console must say when KIND is refused
#   attach IMG              losetup it into $LOOP; detached at exit (call it
#                           directly, not in $(...): the cleanup belongs to
#                           the test's shell)
#   detach IMG              detach every loop device backed by IMG now
#   dev_numbers, disk_ns, disk_add   whole disks for state=auto (below)

DISK_KINDS="zeroed ext4-file xfs vfat gpt gpt-part mbr luks lvm-pv ambivalent random md10-end
 md12 gpt-backup-end mbr-part-ext4"

# An md 1.x superblock, written by hand: this machine's kernel has no md
# driver for mdadm --create. libblkid checks the magic, the major version
# and that super_offset points at itself. 1.0 keeps it near the end, 1.2
# 4 KiB from the start.
_le_bytes() { # VALUE COUNT: little-endian, as printf escapes
	local v=$1 n=$2 out="" i
	for ((i = 0; i < n; i++)); do
		out="$out$(printf '\\x%02x' $((v & 255)))"
		v=$((v >> 8))
	done
	echo "$out"
}
_md_superblock() { # IMG OFFSET
	local img=$1 off=$2
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
	labelled) # stele's own volume from an earlier boot, with a file on it
		mkfs.ext4 -q -F -L stele-state "$img" &&
			echo "kept" >"$img.file" &&
			debugfs -w -R "write $img.file kept.txt" "$img" >/dev/null 2>&1
		;;
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
	md10-end) _md_superblock "$img" $((($(stat -c %s "$img") & ~0xfff) - 0x2000)) ;;
	md12) _md_superblock "$img" 4096 ;;
	gpt-part) sgdisk -o -n 1:2048:+16M -t 1:8300 "$img" >/dev/null ;;
	mbr-part-ext4) # a partitioned disk with a filesystem in its partition
		echo 'start=2048, size=32768, type=83' | sfdisk -q "$img" &&
			mkfs.ext4 -q -F -E offset=1048576 "$img" 16M
		;;
	lvm-pv) # pvcreate wants a block device
		local loop
		loop=$(losetup -f --show "$img") || return 1
		LVM_SUPPRESS_FD_WARNINGS=1 pvcreate -qq -y --devices "$loop" "$loop" >/dev/null
		local rc=$?
		losetup -d "$loop"
		return $rc
		;;
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
	gpt | gpt-part) echo "gpt partition table" ;;
	mbr | mbr-part-ext4) echo "dos partition table" ;;
	luks) echo "crypto_LUKS signature" ;;
	ambivalent) echo "ambivalent probe: signatures of (ext4 and xfs|xfs and ext4)" ;;
	random) echo "no known signature, but data in the first and last MiB" ;;
	md10-end | md12) echo "linux_raid_member signature" ;;
	lvm-pv) echo "LVM2_member signature" ;;
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

# Whole disks for state=auto on loop devices. auto passes over loop
# devices by name, so a private mount namespace shows them under virtio
# names: its /sys/block and /dev hold only what disk_add puts there (and
# /dev's null, zero, random, urandom).
#   dev_numbers DEV         "MAJOR:MINOR" of a block device node
#   disk_ns FILE            run the bash script FILE in such a namespace
#   disk_add NAME MAJ:MIN   (in FILE) a disk appears as /dev/NAME
dev_numbers() {
	local maj min
	read -r maj min < <(stat -L -c '%t %T' "$1")
	echo "$((16#$maj)):$((16#$min))"
}

_disk_ns_setup() {
	mount -t tmpfs -o mode=0755 stele-test-sys-block /sys/block &&
		mount -t tmpfs -o mode=0755 stele-test-dev /dev &&
		mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/zero c 1 5 &&
		mknod -m 666 /dev/random c 1 8 && mknod -m 666 /dev/urandom c 1 9
}

# The node first: a scan never finds a disk it cannot open.
disk_add() {
	mknod -m 600 "/dev/$1" b "${2%:*}" "${2#*:}" &&
		mkdir "/sys/block/$1" && echo 0 >"/sys/block/$1/removable"
}

disk_ns() {
	unshare --mount --propagation private \
		bash -c "$(declare -f _disk_ns_setup disk_add); _disk_ns_setup && . '$1'"
}
