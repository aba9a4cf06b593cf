#!/bin/sh
# Build static libmount, libblkid, libfdisk and libuuid from Debian's util-linux source package.
# Debian ships only the shared libraries, and init must be one static binary.
# apt runs with a configuration private to build/, so the system's sources
# are never touched.
set -eu
out=$(realpath -m "$1")
apt="$out/apt"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/src"
cat > "$apt/sources.list" <<SRC
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-updates main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
SRC
: > "$apt/status"
set -- -o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null \
	-o Dir::State::Lists="$apt/lists" -o Dir::State::Status="$apt/status" \
	-o Dir::Cache="$apt/cache" -o APT::Sandbox::User=root -qq
if ! ls -d "$apt"/src/util-linux-*/ >/dev/null 2>&1; then
	echo "util-linux: fetching Debian source"
	apt-get "$@" update
	(cd "$apt/src" && apt-get "$@" source util-linux)
fi
src=$(ls -d "$apt"/src/util-linux-*/ | head -n 1)
echo "util-linux: building static libmount, libblkid, libfdisk and libuuid from $src"
cd "$src"
# Debian's patches leave configure.ac newer than configure; the libraries do
# not depend on what they change, so settle the timestamps instead of
# requiring autotools.
touch aclocal.m4 && sleep 1 && touch configure config.h.in && sleep 1 &&
	find . -name Makefile.in -exec touch {} +
./configure -q --prefix="$out" --disable-all-programs --enable-libblkid \
	--enable-libmount --enable-libfdisk --enable-libuuid --enable-static --disable-shared --disable-nls \
	--without-python --without-systemd --without-udev --without-selinux \
	--without-cryptsetup --without-econf --disable-libmount-mountfd-support \
	>"$out/configure.log" 2>&1 || { tail -n 30 "$out/configure.log"; exit 1; }
make -j2 >"$out/make.log" 2>&1 || { tail -n 30 "$out/make.log"; exit 1; }
make install >>"$out/make.log" 2>&1 || { tail -n 30 "$out/make.log"; exit 1; }
# Headers are installed as <libmount/libmount.h>; keep that layout.
test -f "$out/lib/libmount.a" && test -f "$out/lib/libblkid.a" &&
	test -f "$out/lib/libfdisk.a" && test -f "$out/lib/libuuid.a"
touch "$out/.done"
echo "util-linux: done"
