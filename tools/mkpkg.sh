#!/bin/sh
# mkpkg.sh: build a stele package (an OCI image layout) from Debian packages,
# without root and without running maintainer scripts.
#
#   tools/mkpkg.sh PKGDIR OUT [CACHE]
#
# PKGDIR holds pkg.conf (shell variables, below) and optionally files/, a
# tree copied over the rootfs last (passwd, configs, entrypoints). OUT is
# the OCI layout to write (tag "latest"); CACHE (default build/pkg-cache)
# keeps the downloaded .debs and the staging trees.
#
# pkg.conf:
#   DEBS="a b"        Debian packages to extract. Their dependencies are
#                     followed only when they are libraries (lib*, zlib1g):
#                     programs a package needs must be named here.
#   SKIP="x y"        dependencies not to follow (added to a default list of
#                     packaging-only libraries: libc-bin, libpam-runtime...)
#   BUSYBOX=1         add busybox-static with links for the applets the
#                     Debian packages do not provide
#   INCLUDE="../x"    more trees (relative to PKGDIR) copied before files/,
#                     for what several packages share
#   DIRS="/d /e:0750" empty directories to create (mode 0755, or :MODE;
#                     runc gives a tmpfs mounted there the directory's mode)
#   PRUNE="usr/x"     more paths to delete after extraction (DEFAULT_PRUNE,
#                     below, always goes: docs, man pages, locales, debug
#                     symbols, glibc's gconv modules, init scripts)
#   KEEP="usr/x"      paths of DEFAULT_PRUNE this package needs after all
#   ENTRYPOINT, CMD   JSON arrays; ENV="K=V ..." (no spaces inside values);
#   WORKDIR, USER     image config fields (see tools/mkoci.sh)
#   CONFIG='{...}'    the container settings the package needs, as a JSON
#                     object of YAML keys (binds, capabilities, tmpfs...):
#                     LinuxKit's org.mobyproject.config label, which the
#                     builder takes unless a YAML entry gives the same key
#
# MKPKG_PRUNE=0 in the environment skips DEFAULT_PRUNE (PRUNE still
# applies): the package with what Debian ships, for measuring what pruning
# saves (bench/README.md).
#
# Exit: 0 written, 1 a failure (one line on stderr naming it), 2 bad usage.
set -eu

prog=mkpkg
die() { echo "$prog: $*" >&2; exit 1; }
[ $# -ge 2 ] && [ $# -le 3 ] || { echo "usage: $prog PKGDIR OUT [CACHE]" >&2; exit 2; }
pkgdir=$(realpath "$1") out=$(realpath -m "$2")
cache=$(realpath -m "${3:-build/pkg-cache}")
tools=$(cd "$(dirname "$0")" && pwd)
name=$(basename "$out")
[ -f "$pkgdir/pkg.conf" ] || die "$pkgdir/pkg.conf is missing: a package needs one (see tools/mkpkg.sh)"

# What no container of an appliance reads: documentation, man and info
# pages, message catalogs, bug-reporting and lintian data, shell
# completions, debugger helpers and debug symbols, glibc's gconv modules
# (iconv to charsets other than the built-in UTF-*, ASCII and ISO-8859-1),
# and init-system files.
DEFAULT_PRUNE="usr/share/doc usr/share/man usr/share/info usr/share/locale
 usr/share/lintian usr/share/bug usr/share/bash-completion usr/share/zsh
 usr/share/gdb usr/share/gcc usr/lib/debug usr/lib/x86_64-linux-gnu/gconv
 etc/init.d etc/systemd lib/systemd usr/lib/systemd"
DEBS="" SKIP="" BUSYBOX=0 INCLUDE="" DIRS="" PRUNE="" KEEP="" ENV=""
ENTRYPOINT="" CMD="" WORKDIR=/ USER=0:0 CONFIG=""
. "$pkgdir/pkg.conf"
[ -n "$DEBS$BUSYBOX" ] || die "$pkgdir/pkg.conf names no DEBS and no BUSYBOX: nothing to package"
config=""
if [ -n "$CONFIG" ]; then
	config=$(printf '%s' "$CONFIG" | jq -ce 'if type == "object" then . else error("not an object") end' 2>/dev/null) ||
		die "CONFIG in $pkgdir/pkg.conf is not a JSON object: fix its syntax (jq . shows where)"
fi

debs=$cache/debs
stage=$cache/stage/$name
rootfs=$stage/rootfs
mkdir -p "$debs"
default_skip="libc-bin libc-l10n libpam-runtime libpam-modules libpam-modules-bin libsemanage-common"

# The .deb of a package in the cache, downloaded on first use.
deb_of() {
	set -- "$debs/$1"_*.deb "$1"
	if [ ! -f "$1" ]; then
		(cd "$debs" && apt-get download -qq "$2" >/dev/null 2>&1) ||
			die "apt-get download $2 failed: check the name, or run apt-get update"
		set -- "$debs/$2"_*.deb "$2"
	fi
	[ -f "$1" ] || die "no .deb for $2 after download: is it a virtual package? name a real one"
	echo "$1"
}

# Dependencies of a .deb worth following: the first alternative of each
# Depends/Pre-Depends entry, libraries only, minus the skip list.
lib_deps_of() {
	{ dpkg-deb -f "$1" Pre-Depends; dpkg-deb -f "$1" Depends; } |
		tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/:.*//; s/[[:space:]]//g' |
		grep -E '^(lib|zlib1g$)' || true
}

# Breadth-first closure of DEBS over library dependencies.
resolve() {
	todo=$DEBS seen=" "
	while :; do
		set -- $todo
		[ $# -gt 0 ] || break
		p=$1; shift; todo=$*
		case "$seen" in *" $p "*) continue ;; esac
		case " $SKIP $default_skip " in *" $p "*) continue ;; esac
		seen="$seen$p "
		deb=$(deb_of "$p")
		todo="$todo $(lib_deps_of "$deb" | tr '\n' ' ')"
	done
	echo "$seen"
}

rm -rf "$stage"
mkdir -p "$rootfs"
mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" \
	"$rootfs/run" "$rootfs/root" "$rootfs/var/tmp"
chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
chmod 0700 "$rootfs/root"

pkgs=$(resolve)
for p in $pkgs; do
	dpkg -x "$(deb_of "$p")" "$rootfs" || die "dpkg -x of $p failed: the cached .deb may be corrupt, delete $debs/${p}_*.deb"
done
echo "$pkgs" | tr ' ' '\n' | sed '/^$/d' | sort >"$stage/packages"

if [ "$BUSYBOX" = 1 ]; then
	bb=$stage/busybox
	dpkg -x "$(deb_of busybox-static)" "$bb" || die "dpkg -x of busybox-static failed"
	mkdir -p "$rootfs/bin" "$rootfs/sbin" "$rootfs/usr/bin" "$rootfs/usr/sbin"
	cp "$bb/bin/busybox" "$rootfs/bin/busybox"
	for app in $("$rootfs/bin/busybox" --list-full); do
		case $app in */*) ;; *) continue ;; esac # linuxrc
		# Applets never shadow a real program from a Debian package,
		# wherever in the four bin directories it lives.
		base=${app##*/} found=0
		for d in bin sbin usr/bin usr/sbin; do
			[ -e "$rootfs/$d/$base" ] || [ -L "$rootfs/$d/$base" ] && found=1
		done
		[ $found = 1 ] || ln -s /bin/busybox "$rootfs/$app"
	done
	echo busybox-static >>"$stage/packages"
fi

prune=$PRUNE
if [ "${MKPKG_PRUNE:-1}" != 0 ]; then
	for d in $DEFAULT_PRUNE; do
		case " $KEEP " in *" $d "*) ;; *) prune="$prune $d" ;; esac
	done
fi
for d in $prune; do
	rm -rf "${rootfs:?}/$d"
done
for d in $DIRS; do
	mode=0755
	case $d in *:*) mode=${d##*:} d=${d%:*} ;; esac
	mkdir -p "$rootfs/$d" && chmod "$mode" "$rootfs/$d" ||
		die "DIRS in $pkgdir/pkg.conf: cannot make $d with mode $mode: give PATH or PATH:OCTAL-MODE"
done
copy_tree() {
	[ -d "$1" ] || die "$1 (INCLUDE in $pkgdir/pkg.conf) is not a directory: fix the path"
	cp -a "$1/." "$rootfs/" || die "cannot copy $1 into the rootfs"
}
for tree in $INCLUDE; do copy_tree "$pkgdir/$tree"; done
[ ! -d "$pkgdir/files" ] || copy_tree "$pkgdir/files"

set --
for kv in $ENV; do set -- "$@" -e "$kv"; done
[ -z "$ENTRYPOINT" ] || set -- "$@" -E "$ENTRYPOINT"
[ -z "$CMD" ] || set -- "$@" -c "$CMD"
[ -z "$config" ] || set -- "$@" -l "org.mobyproject.config=$config"
"$tools/mkoci.sh" "$@" -w "$WORKDIR" -u "$USER" \
	-l "org.opencontainers.image.title=$name" \
	-l "stele.debs=$(tr '\n' ' ' <"$stage/packages" | sed 's/ $//')" \
	"$rootfs" "$out"
