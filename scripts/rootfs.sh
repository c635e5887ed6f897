#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or find in the cache) the guest's root file system: Debian sid
# with IGT, modetest and kmod, as an ext4 image. Print the image's path.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

usage()
{
	cat <<EOT
usage: ${0##*/} [build|dir]

  build  debootstrap Debian sid (minbase) with the guest packages into the
         cache and make an ext4 image of it; print the image path (default;
         a cached image is reused)
  dir    print the image path a build would use, build nothing

The archive is the one this machine's apt configuration already uses.
Cache: \$MKMS_CACHE/rootfs/sid-<hash>/{root/,rootfs.ext4}, where the hash
covers the package list and scripts/guest/init.
EOT
}

cmd=build
case ${1:-build} in
build|dir) cmd=${1:-build} ;;
-h|--help) usage; exit 0 ;;
*) usage >&2; exit 2 ;;
esac

# What the guest needs: IGT 2.5 (tests and igt_runner), modetest, modprobe,
# and busybox for a few tools minbase lacks (poweroff, timeout is in
# coreutils).
packages=igt-gpu-tools,igt-gpu-tools-tests,libdrm-tests,kmod,busybox,python3-minimal
init=$MKMS_TOP/scripts/guest/init
out=$MKMS_CACHE/rootfs/sid-$( (echo "$packages"; cat "$init") | sha256sum | cut -c1-12)
image=$out/rootfs.ext4

if [ "$cmd" = dir ]; then
	printf '%s\n' "$image"
	exit 0
fi
if [ -e "$out/.mkms-ready" ]; then
	printf '%s\n' "$image"
	exit 0
fi

apt_install debootstrap debian-archive-keyring e2fsprogs
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9

mirror=$(debian_mirror)
start=$(now)
if [ ! -e "$out/root/.mkms-debootstrap" ]; then
	log "debootstrap sid with IGT into the cache (about a minute)"
	rm -rf "$out/root"
	debootstrap --variant=minbase --include="$packages" \
		--keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
		sid "$out/root" "$mirror" >"$out/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$out/debootstrap.log" >&2; die "debootstrap failed"; }
	# Nothing in the guest fetches packages; keep the image small.
	rm -rf "$out/root/var/cache/apt/archives/"*.deb \
		"$out/root/var/lib/apt/lists/"*
	touch "$out/root/.mkms-debootstrap"
fi

install -D -m 0755 "$init" "$out/root/sbin/mkms-init"
mkdir -p "$out/root/host"

size=$(du -sm "$out/root" | cut -f1)
rm -f "$image"
mke2fs -q -t ext4 -L mkms-root -d "$out/root" "$image" "$((size + size / 2 + 256))M" >&2
log "guest rootfs ready in $(($(now) - start)) s: $image"
touch "$out/.mkms-ready"
printf '%s\n' "$image"
