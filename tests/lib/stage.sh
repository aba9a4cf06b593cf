# Stage a root tree for a test image by hand, for the low-level tests that
# must not depend on the YAML builder. Source after common.sh.
#
#   stage_base DIR            busybox, /sbin/init = stele's init and
#                             /sbin/stele-pid1 beside it, dirs
#   stage_modules DIR MOD...  kernel modules with their dependencies
#   stage_binary DIR PATH [DEST]  a host binary and the shared libs it needs
#   stage_initrd DIR OUT      write DIR as a gzip cpio (stele-mkinitramfs)

KVER=$(cat "$TOP/build/kernel/version" 2>/dev/null)
KROOT=$TOP/build/kernel/root

stage_base() {
	local d=$1
	mkdir -p "$d"/{bin,sbin,etc,proc,sys,dev,run,tmp,var,root,usr/bin,usr/sbin,lib,lib64,containers}
	cp /bin/busybox "$d/bin/busybox"
	local app
	for app in $("$d/bin/busybox" --list); do
		[ -e "$d/bin/$app" ] || ln -s busybox "$d/bin/$app"
	done
	rm -f "$d/bin/init" "$d/sbin/init"
	[ -x "$BIN/init" ] && cp "$BIN/init" "$d/sbin/init"
	# stage 1 execs the resident PID 1 found next to itself
	[ -x "$BIN/stele-pid1" ] && cp "$BIN/stele-pid1" "$d/sbin/stele-pid1"
	ln -sf sbin/init "$d/init" # the kernel runs /init from an initramfs
	printf 'dir /dev 0755 0 0\nnod /dev/console 0600 0 0 c 5 1\nnod /dev/null 0666 0 0 c 1 3\n' >"$d.overrides"
}

stage_modules() {
	local d=$1 mod dep; shift
	mkdir -p "$d/lib/modules/$KVER"
	for mod in "$@"; do
		# modprobe --show-depends prints insmod lines in load order.
		modprobe -d "$KROOT" -S "$KVER" --show-depends "$mod" 2>/dev/null |
			awk '$1 == "insmod" {print $2}' | while read -r dep; do
				mkdir -p "$d$(dirname "${dep#$KROOT}")"
				cp "$dep" "$d${dep#$KROOT}"
			done
	done
	cp "$KROOT/lib/modules/$KVER"/modules.{dep,dep.bin,alias,builtin,order} "$d/lib/modules/$KVER/" 2>/dev/null
	true
}

stage_binary() {
	local d=$1 src=$2 dest=${3:-$2} lib
	mkdir -p "$d$(dirname "$dest")"
	cp -L "$src" "$d$dest"
	for lib in $(ldd "$src" 2>/dev/null | grep -oE '/[^ ]+'); do
		[ -e "$d$lib" ] && continue
		mkdir -p "$d$(dirname "$lib")"
		cp -L "$lib" "$d$lib"
	done
}

stage_initrd() {
	SOURCE_DATE_EPOCH=0 "$BIN/stele-mkinitramfs" -c gzip -s "$1.overrides" "$1" "$2"
}
