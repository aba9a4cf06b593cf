# OCI bundles made from busybox-static, for tests that run containers with
# the real runc. Source after common.sh.
#
#   bundle_make DIR 'COMMAND'        DIR/config.json (from `runc spec`) and
#                                    DIR/rootfs (busybox); the container runs
#                                    sh -c COMMAND, no terminal, rootfs
#                                    read-only, /tmp a tmpfs, PATH=/bin. The
#                                    rootfs is copied from one template per
#                                    test (no hard links: images stay simple)
#   bundle_jq DIR 'FILTER' [ARGS..]  edit DIR/config.json with jq (extra
#                                    jq ARGS such as --arg k v come after)
#   bundle_bind DIR HOST CONTAINER   bind-mount HOST (read-write) at CONTAINER
#   bundle_settings DIR 'JSON'       write DIR/stele.json
#
# runc comes from PATH, else /usr/sbin or /usr/bin ($RUNC overrides).
RUNC=${RUNC:-$(command -v runc || echo /usr/sbin/runc)}

_bundle_template() {
	local t=$T/.bundle-rootfs app
	if [ ! -d "$t" ]; then
		mkdir -p "$t/bin" "$t/tmp" "$t/proc" "$t/dev" "$t/sys" "$t/etc"
		cp /bin/busybox "$t/bin/busybox"
		for app in $("$t/bin/busybox" --list); do
			[ -e "$t/bin/$app" ] || ln -s busybox "$t/bin/$app"
		done
	fi
	echo "$t"
}

bundle_make() {
	local dir=$1 cmd=$2
	mkdir -p "$dir"
	rm -rf "$dir/rootfs" "$dir/config.json"
	cp -a "$(_bundle_template)" "$dir/rootfs"
	"$RUNC" spec --bundle "$dir"
	bundle_jq "$dir" '.process.terminal = false | .process.args = ["sh", "-c", $cmd]
		| .process.env += ["PATH=/bin"]
		| .mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
			"options": ["nosuid", "nodev", "mode=1777"]}]' --arg cmd "$cmd"
}

bundle_jq() {
	local dir=$1 filter=$2; shift 2
	jq "$@" "$filter" "$dir/config.json" >"$dir/config.json.new" &&
		mv "$dir/config.json.new" "$dir/config.json"
}

bundle_bind() {
	bundle_jq "$1" '.mounts += [{"destination": $dst, "type": "bind", "source": $src,
		"options": ["rbind", "rw"]}]' --arg src "$2" --arg dst "$3"
}

bundle_settings() {
	printf '%s\n' "$2" >"$1/stele.json"
}
