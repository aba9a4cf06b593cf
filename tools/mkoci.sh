#!/bin/sh
# mkoci.sh: write a deterministic OCI image layout from a staged rootfs.
#
#   tools/mkoci.sh [options] ROOTFS OUT
#     -t TAG          tag (org.opencontainers.image.ref.name), default "latest"
#     -e KEY=VALUE    an Env entry (repeatable; PATH has a default)
#     -E JSON         Entrypoint, a JSON array: '["/bin/sh","-c"]'
#     -c JSON         Cmd, a JSON array
#     -w DIR          WorkingDir, default "/"
#     -u USER         User, default "0:0"
#     -l KEY=VALUE    a config label (repeatable)
#
# OUT becomes an OCI image layout: oci-layout, index.json, blobs/sha256/*,
# with one gzip layer, an image config and a manifest. The same ROOTFS and
# options give the same bytes (tar sorted by name, mtime 0, owner 0:0,
# gzip -n, no timestamps in the JSON), so the manifest digest names the
# content. OUT is replaced atomically: a failed run leaves the old layout.
#
# Exit: 0 written, 1 a failure (one line on stderr), 2 bad usage.
set -eu

prog=mkoci
die() { echo "$prog: $*" >&2; exit 1; }
usage() { echo "usage: $prog [-t TAG] [-e K=V]... [-E JSON] [-c JSON] [-w DIR] [-u USER] [-l K=V]... ROOTFS OUT" >&2; exit 2; }

tag=latest entrypoint=null cmd=null workdir=/ user=0:0
env_lines=$(mktemp) label_lines=$(mktemp)
trap 'rm -f "$env_lines" "$label_lines"' EXIT
while getopts t:e:E:c:w:u:l: opt; do
	case $opt in
	t) tag=$OPTARG ;;
	e) printf '%s\n' "$OPTARG" >>"$env_lines" ;;
	E) entrypoint=$OPTARG ;;
	c) cmd=$OPTARG ;;
	w) workdir=$OPTARG ;;
	u) user=$OPTARG ;;
	l) printf '%s\n' "$OPTARG" >>"$label_lines" ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || usage
rootfs=$1 out=$2
[ -d "$rootfs" ] || die "rootfs $rootfs is not a directory: stage the package first"
for j in "$entrypoint" "$cmd"; do
	printf '%s' "$j" | jq -e 'type == "array" or . == null' >/dev/null 2>&1 ||
		die "entrypoint/cmd '$j' is not a JSON array of strings: write it like '[\"/bin/sh\"]'"
done
grep -q '^PATH=' "$env_lines" ||
	echo 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' >>"$env_lines"

out_parent=$(dirname "$out")
mkdir -p "$out_parent"
tmp=$(mktemp -d "$out_parent/.mkoci.XXXXXX")
trap 'rm -f "$env_lines" "$label_lines"; rm -rf "$tmp"' EXIT
blobs=$tmp/blobs/sha256
mkdir -p "$blobs"

# Store a file as a blob; print its digest (hex only).
put_blob() {
	d=$(sha256sum "$1" | cut -d' ' -f1)
	mv "$1" "$blobs/$d"
	echo "$d"
}

# The layer: the tar is hashed uncompressed (diff_id) and compressed (digest).
tar -C "$rootfs" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
	--format=gnu -cf "$tmp/layer.tar" . || die "cannot archive $rootfs"
diff_id=$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)
gzip -n "$tmp/layer.tar" || die "cannot compress the layer of $rootfs"
layer=$(put_blob "$tmp/layer.tar.gz")
layer_size=$(stat -c %s "$blobs/$layer")

jq -n -S -c \
	--arg diff_id "sha256:$diff_id" --arg workdir "$workdir" --arg user "$user" \
	--argjson entrypoint "$entrypoint" --argjson cmd "$cmd" \
	--rawfile env "$env_lines" --rawfile labels "$label_lines" '
	def lines: split("\n") | map(select(length > 0));
	{architecture: "amd64", os: "linux",
	 config: ({Env: ($env | lines), WorkingDir: $workdir, User: $user,
	           Labels: ($labels | lines | map(capture("^(?<key>[^=]*)=(?<value>.*)$")) | from_entries)}
	          + (if $entrypoint == null then {} else {Entrypoint: $entrypoint} end)
	          + (if $cmd == null then {} else {Cmd: $cmd} end)),
	 rootfs: {type: "layers", diff_ids: [$diff_id]},
	 history: [{created_by: "stele tools/mkoci.sh"}]}' >"$tmp/config.json" ||
	die "cannot write the image config"
config=$(put_blob "$tmp/config.json")
config_size=$(stat -c %s "$blobs/$config")

jq -n -S -c --arg config "sha256:$config" --argjson config_size "$config_size" \
	--arg layer "sha256:$layer" --argjson layer_size "$layer_size" '
	{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
	 config: {mediaType: "application/vnd.oci.image.config.v1+json",
	          digest: $config, size: $config_size},
	 layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
	           digest: $layer, size: $layer_size}]}' >"$tmp/manifest.json" ||
	die "cannot write the manifest"
manifest=$(put_blob "$tmp/manifest.json")
manifest_size=$(stat -c %s "$blobs/$manifest")

jq -n -S -c --arg manifest "sha256:$manifest" --argjson size "$manifest_size" --arg tag "$tag" '
	{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
	 manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
	              digest: $manifest, size: $size,
	              annotations: {"org.opencontainers.image.ref.name": $tag}}]}' >"$tmp/index.json" ||
	die "cannot write index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$tmp/oci-layout"

chmod 0755 "$tmp"
rm -rf "$out.old"
[ ! -e "$out" ] || mv "$out" "$out.old"
mv "$tmp" "$out" || die "cannot move the layout to $out"
rm -rf "$out.old"
echo "$prog: $out: $tag sha256:$manifest ($layer_size bytes compressed)"
