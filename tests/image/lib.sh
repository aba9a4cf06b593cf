# Helpers for the output-format tests: prerequisites, and boots of a built
# image by `stele run` (tests/config/vm.sh) that end at boot complete.
# Source after common.sh.
. "$(dirname "${BASH_SOURCE[0]}")/../config/vm.sh"

# Skip unless stele, the kernel, the binaries and busybox are built.
need_image_build() {
	[ -x "$BIN/stele" ] && [ -x "$BIN/stele-run" ] || skip_all "build/bin/stele missing (make all)"
	[ -f "$BUILD/kernel/vmlinuz" ] || skip_all "no kernel (make kernel)"
	for b in init stele-supervisor stele-onboot stelectl; do
		[ -x "$BIN/$b" ] || skip_all "build/bin/$b missing (make all)"
	done
	[ -f "$BUILD/pkg/busybox/index.json" ] || skip_all "busybox package missing (make pkgs)"
}

# examples/minimal.yml with no_timer_check: under TCG on a loaded machine
# the kernel's IO-APIC timer check can fail ("IO-APIC + timer doesn't
# work", a panic), and the disk formats hold their own command line, so
# the image carries what stele run adds to kernel+initrd under TCG.
MINIMAL=$T/minimal.yml
sed 's/^  cmdline: "console=ttyS0"$/  cmdline: "console=ttyS0 no_timer_check"/' \
	"$TOP/examples/minimal.yml" >"$MINIMAL"
BOOT_MARK='stele: boot complete: 1/1 services running'

# boot_check WHAT LOG IMAGE [stele run options]: boot IMAGE with stele run
# until the supervisor reports boot complete (a bounded wait), then quit
# qemu through its monitor. One TAP line.
boot_check() {
	local what=$1 log=$2 image=$3; shift 3
	run_start "$log" 400 "$image" --no-net "$@"
	if wait_for "$log" "$BOOT_MARK" 360; then
		ok "$what boots to boot complete"
	else
		fail "$what: no boot complete; console tail: $(tail -c 600 "$log" | tr -d '\r' | tr '\n' '|')"
	fi
	monitor quit
	run_wait_exit "$log" 30 >/dev/null
}

# The firmware a console log shows: the kernel names EFI when it has it.
booted_by_efi() { grep -qa 'efi: EFI v' "$1"; }
