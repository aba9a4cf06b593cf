# Staging for the supervisor's qemu tests. Source after common.sh, vm.sh,
# stage.sh and bundle.sh.
#
#   sv_stage_image R              stele's init, supervisor, stelectl, onboot,
#                                 runc, containerd and its shim in root R
#   sv_vm_service R NAME 'CMD' ['STELE_JSON']   a busybox service bundle in
#                                 R/containers/services/NAME, with sd-notify
#   sv_vm_driver R 'SCRIPT'       a service "driver" that runs SCRIPT with
#                                 stelectl, /run/stele, the host pid namespace
NOTIFY_BIN=$BUILD/tests/supervisor/sd-notify

sv_stage_image() {
	local r=$1
	stage_base "$r"
	stage_binary "$r" "$RUNC" /usr/bin/runc
	stage_binary "$r" /usr/bin/containerd /usr/bin/containerd
	stage_binary "$r" /usr/bin/containerd-shim-runc-v2 /usr/bin/containerd-shim-runc-v2
	cp "$BIN/stele-supervisor" "$r/sbin/stele-supervisor"
	cp "$BIN/stele-onboot" "$r/sbin/stele-onboot"
	cp "$BIN/stelectl" "$r/usr/bin/stelectl"
}

sv_vm_service() {
	local d=$1/containers/services/$2
	bundle_make "$d" "$3" >/dev/null
	cp "$NOTIFY_BIN" "$d/rootfs/bin/sd-notify"
	[ -z "${4:-}" ] || bundle_settings "$d" "$4"
}

# The image's root is read-only: mountpoints must exist in each rootfs.
sv_vm_driver() {
	local d=$1/containers/services/driver
	sv_vm_service "$1" driver "$2" '{"restart": "never"}'
	cp "$BIN/stelectl" "$d/rootfs/bin/stelectl"
	bundle_bind "$d" /run/stele /run/stele
	mkdir -p "$d/rootfs/run/stele"
	# It signals other services' processes: the host's pid namespace.
	bundle_jq "$d" '.linux.namespaces |= map(select(.type != "pid"))'
}
