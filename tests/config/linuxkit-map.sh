#!/bin/bash
# linuxkit-map.sh PKG_DIR < LINUXKIT.yml > STELE.yml
# Ports a LinuxKit YAML to stele's image references, for the tests that run
# LinuxKit's own files through the builder: kernel.image is dropped (the
# shipped kernel), init's linuxkit/init, runc and containerd become stele's
# components (the rest of init is dropped), and every container image
# becomes the shipped package of the same name, or busybox.
pkgs=$1
awk -v pkgs="$pkgs" '
function shipped(ref,   n, f) {
	n = ref; sub(/[@:].*$/, "", n); sub(/^.*\//, "", n)
	f = pkgs "/" n
	if (system("test -d \"" f "\"") == 0) return n
	return "busybox"
}
/^[A-Za-z_]+:/ { section = $1; sub(/:.*/, "", section) }
section == "kernel" && /^[ \t]+image:/ { next }
section == "init" && /^[ \t]*-[ \t]*/ {
	ref = $0; sub(/^[ \t]*-[ \t]*/, "", ref); sub(/[ \t#].*$/, "", ref)
	n = ref; sub(/[@:].*$/, "", n); sub(/^.*\//, "", n)
	if (n == "init") print "  - init\n  - supervisor\n  - onboot"
	else if (n == "runc" || n == "containerd") print "  - " n
	next
}
/^[ \t-]*image:[ \t]*[^ \t]/ {
	match($0, /image:[ \t]*/)
	head = substr($0, 1, RSTART + RLENGTH - 1)
	ref = substr($0, RSTART + RLENGTH); sub(/[ \t]+#.*$/, "", ref); gsub(/["\x27]/, "", ref)
	print head shipped(ref)
	next
}
{ print }
'
