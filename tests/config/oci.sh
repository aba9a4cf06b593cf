# Helpers for the config tests: layer tarballs with what a rootless
# builder finds hard (device nodes, owners, hard links, whiteouts), and
# OCI layouts made with umoci or by hand. Source after common.sh.

# mktar OUT SPEC...: an uncompressed tar. SPEC is one of
#   d:PATH:MODE[:UID:GID]   directory        f:PATH:MODE:TEXT[:UID:GID]  file
#   l:PATH:TARGET           symlink          h:PATH:TARGET               hard link
#   c:PATH:MAJOR:MINOR      char device      w:PATH                      whiteout of PATH
#   o:DIR                   opaque marker for DIR
#   F:PATH:MODE:HOSTFILE    file with HOSTFILE's contents
mktar() {
	local out=$1; shift
	python3 - "$out" "$@" <<'PY'
import io, sys, tarfile
out, specs = sys.argv[1], sys.argv[2:]
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
    for s in specs:
        kind, rest = s.split(":", 1)
        f = rest.split(":")
        def info(name, mode=0o644, uid=0, gid=0):
            i = tarfile.TarInfo(name); i.mode = mode; i.uid = int(uid); i.gid = int(gid)
            i.mtime = 1234567890; return i
        if kind == "d":
            i = info(f[0], int(f[1], 8), *(f[2:4] or [0, 0])); i.type = tarfile.DIRTYPE; t.addfile(i)
        elif kind == "f":
            data = f[2].encode() + b"\n"
            i = info(f[0], int(f[1], 8), *(f[3:5] or [0, 0])); i.size = len(data)
            t.addfile(i, io.BytesIO(data))
        elif kind == "F":
            data = open(f[2], "rb").read()
            i = info(f[0], int(f[1], 8)); i.size = len(data); t.addfile(i, io.BytesIO(data))
        elif kind == "l":
            i = info(f[0], 0o777); i.type = tarfile.SYMTYPE; i.linkname = f[1]; t.addfile(i)
        elif kind == "h":
            i = info(f[0]); i.type = tarfile.LNKTYPE; i.linkname = f[1]; t.addfile(i)
        elif kind == "c":
            i = info(f[0], 0o666); i.type = tarfile.CHRTYPE
            i.devmajor, i.devminor = int(f[1]), int(f[2]); t.addfile(i)
        elif kind == "w":
            d, _, b = f[0].rpartition("/")
            i = info((d + "/" if d else "") + ".wh." + b, 0o600); i.size = 0; t.addfile(i, io.BytesIO(b""))
        elif kind == "o":
            i = info(f[0].rstrip("/") + "/.wh..wh..opq", 0o600); i.size = 0; t.addfile(i, io.BytesIO(b""))
PY
}

# umoci_layout DIR TAR...: an OCI layout at DIR, tag latest, one layer per
# tar (umoci compresses them with gzip).
umoci_layout() {
	local dir=$1 tar; shift
	umoci init --layout "$dir" >/dev/null && umoci new --image "$dir:latest" >/dev/null || return 1
	for tar in "$@"; do
		umoci raw add-layer --image "$dir:latest" "$tar" >/dev/null || return 1
	done
}

# blob DIR FILE MEDIATYPE: store FILE as a blob in layout DIR; prints its
# descriptor as JSON.
_blob() {
	local dir=$1 file=$2 mt=$3 sum size
	sum=$(sha256sum "$file" | cut -d' ' -f1)
	size=$(stat -c %s "$file")
	mkdir -p "$dir/blobs/sha256"
	cp "$file" "$dir/blobs/sha256/$sum"
	printf '{"mediaType":"%s","digest":"sha256:%s","size":%s}' "$mt" "$sum" "$size"
}

# hand_layout DIR CONFIG_JSON LAYER:COMPRESSION...: an OCI layout written
# by hand (COMPRESSION: none, gzip, zstd), tag latest.
hand_layout() {
	local dir=$1 config=$2 spec tar comp f mt layers="" cfg man
	shift 2
	mkdir -p "$dir"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
	for spec in "$@"; do
		tar=${spec%:*} comp=${spec##*:} f=$T/.layer.$RANDOM
		case $comp in
		none) cp "$tar" "$f"; mt=application/vnd.oci.image.layer.v1.tar ;;
		gzip) gzip -n -c "$tar" >"$f"; mt=application/vnd.oci.image.layer.v1.tar+gzip ;;
		zstd) zstd -q -c "$tar" >"$f"; mt=application/vnd.oci.image.layer.v1.tar+zstd ;;
		esac
		layers="$layers${layers:+,}$(_blob "$dir" "$f" "$mt")"
	done
	printf '%s' "$config" >"$T/.config.json"
	cfg=$(_blob "$dir" "$T/.config.json" application/vnd.oci.image.config.v1+json)
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":%s,"layers":[%s]}' \
		"$cfg" "$layers" >"$T/.manifest.json"
	man=$(_blob "$dir" "$T/.manifest.json" application/vnd.oci.image.manifest.v1+json)
	printf '{"schemaVersion":2,"manifests":[%s]}' \
		"$(echo "$man" | jq -c '. + {annotations: {"org.opencontainers.image.ref.name": "latest"}}')" \
		>"$dir/index.json"
}
