# Helpers for the output-format tests: prerequisites, and boots of a built
# image by `stele run` (tests/config/vm.sh) that end at boot complete.
# Source after common.sh.
. "$(dirname "${BASH_SOURCE[0]}")/../config/vm.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../metadata/lib.sh"

# Skip unless stele, the kernel, the binaries and busybox are built.
need_image_build() {
	[ -x "$BIN/stele" ] && [ -x "$BIN/stele-run" ] || skip_all "build/bin/stele missing (make all)"
	[ -f "$BUILD/kernel/vmlinuz" ] || skip_all "no kernel (make kernel)"
	for b in init stele-supervisor stele-onboot stelectl; do
		[ -x "$BIN/$b" ] || skip_all "build/bin/$b missing (make all)"
	done
	[ -f "$BUILD/pkg/busybox/index.json" ] || skip_all "busybox package missing (make pkgs)"
}

# Skip unless the packages cloud_yml's image takes are built.
need_cloud_build() {
	for p in dhcpcd metadata; do
		[ -f "$BUILD/pkg/$p/index.json" ] || skip_all "$p package missing (make pkgs)"
	done
}

# examples/minimal.yml with no_timer_check: under TCG on a loaded machine
# the kernel's IO-APIC timer check can fail ("IO-APIC + timer doesn't
# work", a panic), and the disk formats hold their own command line, so
# the image carries what stele run adds to kernel+initrd under TCG.
MINIMAL=$T/minimal.yml
sed 's/^  cmdline: "console=ttyS0"$/  cmdline: "console=ttyS0 no_timer_check"/' \
	"$TOP/examples/minimal.yml" >"$MINIMAL"
BOOT_MARK='stele: boot complete: 1/1 services running'

# boot_up WHAT LOG IMAGE [stele run options]: boot IMAGE with stele run
# until the supervisor reports boot complete (a bounded wait). One TAP line.
# boot_down LOG: quit qemu through its monitor; wait for stele run.
# boot_check: both.
boot_up() {
	local what=$1 log=$2 image=$3; shift 3
	run_start "$log" 400 "$image" --no-net "$@"
	if wait_for "$log" "$BOOT_MARK" 360; then
		ok "$what boots to boot complete"
	else
		fail "$what: no boot complete; console tail: $(tail -c 600 "$log" | tr -d '\r' | tr '\n' '|')"
	fi
}
boot_down() {
	monitor quit
	run_wait_exit "$1" 30 >/dev/null
}
boot_check() {
	boot_up "$@"
	boot_down "$2"
}

# The firmware a console log shows: the kernel names EFI when it has it.
booted_by_efi() { grep -qa 'efi: EFI v' "$1"; }

# cloud_yml FILE [state]: an image that takes its identity from a cloud's
# metadata service: dhcpcd then the metadata package at onboot, and one
# service, "report", printing on the console what the metadata package left
# in /run/config ("report: identity KEY=VALUE" lines, then "identity done").
# With "state", the image also has state.device auto (a one-disk instance's
# state partition) and report counts its boots in /var/lib/report/boots
# ("identity boots=N"). With "erofs" as well, the package rootfses are
# the erofs layout (containers.layout, as examples/default.yml ships), and
# the boot shows CLOUD_EROFS_MARK. The disk formats hold no_timer_check as
# MINIMAL does.
CLOUD_EROFS_MARK='mounted /containers.erofs on /containers (erofs, read-only)'
cloud_yml() {
	local file=$1 state=${2:-} layout=${3:-} binds='"/run/config:/run/config"'
	[ -z "$state" ] || binds+=', "/var/lib/report:/data"'
	cat >"$file" <<YML
kernel:
  cmdline: "console=ttyS0 no_timer_check"
  modules: [virtio_pci, virtio_net, virtio_blk]
init: [init, supervisor, onboot, stelectl, runc, containerd, e2fsprogs]
onboot:
  - name: dhcpcd
    image: dhcpcd
    timeout: 60
  - name: metadata
    image: metadata
    timeout: 60
services:
  - name: report
    image: busybox
    binds: [$binds]
    console: true
    command:
      - /bin/sh
      - -c
      - |
        echo "identity hostname=\$(hostname)"
        echo "identity provider=\$(cat /run/config/provider)"
        echo "identity key=\$(cat /run/config/ssh/authorized_keys)"
        echo "identity userdata=\$(cat /run/config/app/conf)"
        if [ -d /data ]; then
          n=\$((\$(cat /data/boots 2>/dev/null || echo 0) + 1))
          echo \$n >/data/boots && sync && echo "identity boots=\$n"
        fi
        echo "identity done"
        exec sleep 2147483647
YML
	[ -z "$state" ] || printf 'state:\n  device: auto\n  wait: 1\n' >>"$file"
	[ -z "$layout" ] || printf 'containers:\n  layout: %s\n' "$layout" >>"$file"
}

# imds_nic CLOUD: start CLOUD's fake metadata service (tests/metadata/
# fake-imds.py: aws, gcp, azure, openstack, digitalocean or hetzner)
# serving userdata that puts "from-CLOUD-imds" in /run/config/app/conf,
# and set IMDS_NIC to the stele run options of a network card that reaches
# it at 169.254.169.254:80, the address every one of these clouds uses:
# qemu's user network (restrict=on; guestfwd takes addresses inside the
# guest's network only, hence 169.254.169.0/24), relayed by
# tests/metadata/relay.py.
imds_nic() {
	local cloud=$1
	printf '{"app":{"entries":{"conf":{"content":"from-%s-imds\\n"}}}}' "$cloud" >"$T/$cloud.userdata"
	md_imds "$cloud" "$T/$cloud.userdata"
	IMDS_NIC=(--qemu -nic --qemu "user,restrict=on,model=virtio-net-pci,net=169.254.169.0/24,guestfwd=tcp:169.254.169.254:80-cmd:$TOP/tests/metadata/relay.py $IMDS_PORT")
}

# The host name each fake service gives (fake-imds.py).
declare -A IMDS_HOST=([aws]=ip-10-0-0-1 [gcp]=gce-1.c.project.internal [azure]=azure-vm-1
	[openstack]=os-1 [digitalocean]=digitalocean-1 [hetzner]=hetzner-1)
IMDS_KEY="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests test@fake"

# identity_checks WHAT LOG CLOUD [SECS]: wait (SECS, 240) for the report service's
# last line in LOG, then four TAP lines: the metadata package took CLOUD,
# and its host name, SSH key and userdata arrived (one failed line when the
# report never came). The supervisor prefixes
# a console service's lines with its name.
identity_checks() {
	local what=$1 log=$2 cloud=$3
	if ! wait_for "$log" '^report: identity done' "${4:-240}"; then
		fail "$what: no identity report; console tail: $(tail -c 600 "$log" | tr -d '\r' | tr '\n' '|')"
		return
	fi
	_identity_has() { tr -d '\r' <"$1" | grep -qaxE "report: identity $2"; }
	check "$what: the metadata package took provider $cloud" _identity_has "$log" "provider=$cloud"
	check "$what: host name ${IMDS_HOST[$cloud]} applied" _identity_has "$log" "hostname=${IMDS_HOST[$cloud]}"
	check "$what: the SSH key in /run/config/ssh/authorized_keys" _identity_has "$log" "key=(.*:)?$IMDS_KEY"
	check "$what: the userdata's file in /run/config" _identity_has "$log" "userdata=from-$cloud-imds"
}
