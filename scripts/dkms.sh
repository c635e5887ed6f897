#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkms under DKMS, so that it is rebuilt for every kernel a user installs.
set -euo pipefail

usage()
{
	cat <<EOT
usage: ${0##*/} stage DIR | install | uninstall

  stage DIR   copy what DKMS builds from (dkms.conf, Kbuild, drm-driver/,
              include/) to DIR/mkms-VERSION/ and print that directory
  install     stage in /usr/src, then dkms add, build and install for the
              running kernel (needs its headers and the dkms package)
  uninstall   dkms remove --all and delete /usr/src/mkms-VERSION
EOT
}

top=$(cd "$(dirname "$0")/.." && pwd)
name=mkms
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
[ -n "$version" ] || { echo "${0##*/}: no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }

stage()
{
	local dst=$1/$name-$version

	rm -rf "$dst"
	mkdir -p "$dst/drm-driver/tests" "$dst/include"
	cp "$top/dkms.conf" "$top/Kbuild" "$dst/"
	cp "$top"/drm-driver/Kbuild "$top"/drm-driver/Kconfig \
		"$top"/drm-driver/*.[ch] "$dst/drm-driver/"
	cp "$top"/drm-driver/tests/Kbuild "$top"/drm-driver/tests/*.c \
		"$dst/drm-driver/tests/"
	rm -f "$dst"/drm-driver/*.mod.c
	cp "$top"/include/*.h "$dst/include/"
	printf '%s\n' "$dst"
}

case ${1:-} in
stage)
	[ $# -eq 2 ] || { usage >&2; exit 2; }
	stage "$2" ;;
install)
	stage /usr/src >/dev/null
	dkms add -m "$name" -v "$version" 2>/dev/null ||
		dkms status -m "$name" -v "$version" | grep -q . ||
		{ echo "${0##*/}: dkms add failed" >&2; exit 1; }
	dkms build -m "$name" -v "$version" --force
	dkms install -m "$name" -v "$version" --force ;;
uninstall)
	dkms remove -m "$name" -v "$version" --all || true
	rm -rf "/usr/src/$name-$version" ;;
-h|--help)
	usage ;;
*)
	usage >&2; exit 2 ;;
esac
