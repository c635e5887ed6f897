#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build-only tests of the two ways users build mkms besides 'make':
#
#   intree KDIR WORK  copy a pristine kernel source (symlinks, so nothing
#                     in it changes) to WORK, add mkms with scripts/intree.sh,
#                     enable CONFIG_DRM_MKMS=m on KDIR's .config and build
#                     drivers/gpu/drm/mkms/mkms.ko in that tree, and its
#                     KUnit tests too if KDIR has KUnit
#   dkms KDIR WORK    stage the DKMS source with scripts/dkms.sh and run
#                     'dkms build' against KDIR in private DKMS trees
#
# KDIR is a configured and built kernel (scripts/kernel.sh build). Either
# way the module must link against KDIR's exports: every undefined symbol
# of the .ko must be in KDIR/Module.symvers.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)

[ $# -eq 3 ] || { echo "usage: ${0##*/} intree|dkms KDIR WORK" >&2; exit 2; }
what=$1 kdir=$(cd "$2" && pwd) work=$3

fail()
{
	echo "${0##*/} $what: $*" >&2
	exit 1
}

# links KO: the module's undefined symbols are all exported by KDIR.
links()
{
	local missing

	missing=$(nm -u "$1" | awk '{ print $2 }' | sort -u |
		comm -23 - <(awk '{ print $2 }' "$kdir/Module.symvers" | sort -u))
	[ -z "$missing" ] || fail "$1 needs symbols the kernel does not export:" $missing
	modinfo -F vermagic "$1" | grep -q "^$krel " ||
		fail "$1 is not built for $krel"
	echo "${0##*/} $what: $1 built and links against $krel"
}

krel=$(cat "$kdir/include/config/kernel.release")
rm -rf "$work"
mkdir -p "$work"

case $what in
intree)
	src=$(readlink -f "$kdir/source")
	cp -as "$src" "$work/linux"
	"$top/scripts/intree.sh" "$work/linux"
	mkdir "$work/obj"
	cp "$kdir/.config" "$work/obj/.config"
	"$work/linux/scripts/config" --file "$work/obj/.config" --module DRM_MKMS
	make -s -C "$work/linux" O="$work/obj" olddefconfig
	grep -qx 'CONFIG_DRM_MKMS=m' "$work/obj/.config" ||
		fail "Kconfig did not take CONFIG_DRM_MKMS=m"
	targets=drivers/gpu/drm/mkms/mkms.ko
	if grep -qx 'CONFIG_KUNIT=y' "$work/obj/.config"; then
		"$work/linux/scripts/config" --file "$work/obj/.config" \
			--module DRM_MKMS_KUNIT_TEST
		make -s -C "$work/linux" O="$work/obj" olddefconfig
		grep -qx 'CONFIG_DRM_MKMS_KUNIT_TEST=m' "$work/obj/.config" ||
			fail "Kconfig did not take CONFIG_DRM_MKMS_KUNIT_TEST=m"
		targets="$targets drivers/gpu/drm/mkms/tests/mkms_composer_test.ko"
	fi
	# vmlinux.o only feeds modpost; the DRM core is modules, which a
	# single-module build does not see: check those symbols with links().
	ln -s "$kdir/vmlinux.o" "$work/obj/vmlinux.o"
	# shellcheck disable=SC2086
	make -C "$work/linux" O="$work/obj" -j"$(nproc)" KBUILD_MODPOST_WARN=1 \
		$targets >"$work/build.log" 2>&1 ||
		{ tail -n 30 "$work/build.log" >&2; fail "the in-tree build failed"; }
	! grep -E '(warning|error):' "$work/build.log" ||
		fail "the in-tree build warned"
	links "$work/obj/drivers/gpu/drm/mkms/mkms.ko"
	;;
dkms)
	command -v dkms >/dev/null || fail "dkms is not installed"
	mkdir -p "$work/src" "$work/tree" "$work/installed"
	"$top/scripts/dkms.sh" stage "$work/src" >/dev/null
	version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
	dkms build -m mkms -v "$version" -k "$krel" --kernelsourcedir "$kdir" \
		--sourcetree "$work/src" --dkmstree "$work/tree" \
		--installtree "$work/installed" >"$work/build.log" 2>&1 ||
		{ cat "$work/build.log" >&2
		  cat "$work/tree/mkms/$version/build/make.log" >&2 2>/dev/null
		  fail "dkms build failed"; }
	links "$work/tree/mkms/$version/$krel/$(uname -m)/module/mkms.ko"
	;;
*)
	fail "unknown test (intree or dkms)" ;;
esac
