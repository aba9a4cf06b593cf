#!/bin/sh
# Install the Debian packages stele needs to build, test and boot, only the
# ones that are missing, so `make deps` is cheap when nothing is to do.
# Packages that only go into stele packages (redis-server, etcd-server, ...)
# are fetched by tools/mkpkg.sh with apt-get download, never installed here:
# installing etcd-server would start an etcd on this host under systemd.
set -eu
PKGS="build-essential pkg-config file cpio xz-utils zstd lz4 gzip
 libcap-dev libseccomp-dev libnl-3-dev libnl-route-3-dev
 libyaml-dev libjansson-dev libarchive-dev libnghttp2-dev
 libprotobuf-c-dev protobuf-c-compiler libprotobuf-dev
 golang-github-containerd-containerd-dev golang-go libxml2-utils libcurl4-openssl-dev
 runc crun containerd e2fsprogs util-linux kmod
 libcmocka-dev musl-tools qemu-system-x86 qemu-utils busybox-static dhcpcd5
 clang libclang-rt-14-dev clang-format python3 genisoimage mtools
 cloud-image-utils expect dosfstools xfsprogs cryptsetup-bin mdadm gdisk fdisk lvm2
 iproute2 redis-tools dpkg-dev umoci jq openssh-client dnsmasq-base etcd-client
 xorriso isolinux syslinux-common libssl-dev zlib1g-dev
 systemd-boot-efi sbsigntool ovmf syslinux erofs-utils fakeroot"
missing=""
for p in $PKGS; do
	dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
