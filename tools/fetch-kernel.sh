#!/bin/sh
# Fetch Debian's cloud kernel into build/ without installing it on the host:
# apt-get download + dpkg -x, then depmod for the modules.dep the .deb lacks.
set -eu
out=$(realpath -m "$1")
mkdir -p "$out/deb"
cd "$out/deb"
ver=$(apt-cache depends linux-image-cloud-amd64 | sed -n 's/.*Depends: linux-image-\(.*\)$/\1/p' | head -n 1)
[ -n "$ver" ] || { echo "fetch-kernel: cannot resolve linux-image-cloud-amd64 (run apt-get update)"; exit 1; }
ls linux-image-"$ver"_*.deb >/dev/null 2>&1 || apt-get download -qq "linux-image-$ver"
rm -rf "$out/root"
dpkg -x linux-image-"$ver"_*.deb "$out/root"
depmod -b "$out/root" "$ver"
ln -sf "root/boot/vmlinuz-$ver" "$out/vmlinuz"
echo "$ver" > "$out/version"
touch "$out/.done"
echo "kernel: $ver"
