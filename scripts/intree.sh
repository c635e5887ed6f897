#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Copy mkms into a kernel source tree as drivers/gpu/drm/mkms/ and hook it
# into drivers/gpu/drm/Kconfig and Makefile, next to vkms. Then enable
# CONFIG_DRM_MKMS (menuconfig: Device Drivers > Graphics support) and
# build the kernel as usual.
#
# Files are replaced, never edited in place, so KSRC may be a tree of
# symlinks or hard links to a pristine source (make check builds one).
# Running it again updates the copy; the hooks are added once.
set -euo pipefail

usage()
{
	echo "usage: ${0##*/} KSRC   (a kernel source tree: 6.1, 6.12 or 7.2)"
}

case ${1:-} in
-h|--help) usage; exit 0 ;;
'') usage >&2; exit 2 ;;
esac
[ $# -eq 1 ] || { usage >&2; exit 2; }

top=$(cd "$(dirname "$0")/.." && pwd)
drm=$1/drivers/gpu/drm
[ -f "$drm/Kconfig" ] && [ -f "$drm/Makefile" ] ||
	{ echo "${0##*/}: $1 is not a kernel source tree" >&2; exit 1; }

# hook FILE ANCHOR-REGEX LINE: add LINE after the last line matching
# ANCHOR, unless FILE has it already.
hook()
{
	local file=$1 anchor=$2 line=$3

	grep -qxF "$line" "$file" && return 0
	grep -qE "$anchor" "$file" ||
		{ echo "${0##*/}: no line matching '$anchor' in $file" >&2; exit 1; }
	awk -v anchor="$anchor" -v line="$line" '
		{ text[NR] = $0 } $0 ~ anchor { last = NR }
		END { for (i = 1; i <= NR; i++) { print text[i]; if (i == last) print line } }' \
		"$file" >"$file.mkms-new"
	mv "$file.mkms-new" "$file"
}

rm -rf "$drm/mkms"
mkdir "$drm/mkms"
cp "$top"/drm-driver/Kconfig "$top"/drm-driver/Kbuild \
	"$top"/drm-driver/*.[ch] "$top"/include/*.h "$drm/mkms/"
mkdir "$drm/mkms/tests"
cp "$top"/drm-driver/tests/Kbuild "$top"/drm-driver/tests/*.c "$drm/mkms/tests/"
rm -f "$drm"/mkms/*.mod.c
# Next to vkms; in 6.1, where vkms's entry is inline, after the last driver.
kanchor='^source "drivers/gpu/drm/vkms/Kconfig"'
grep -qE "$kanchor" "$drm/Kconfig" ||
	kanchor='^source "drivers/gpu/drm/[^"]*/Kconfig"'
hook "$drm/Kconfig" "$kanchor" \
	'source "drivers/gpu/drm/mkms/Kconfig"'
hook "$drm/Makefile" '^obj-\$\(CONFIG_DRM_VKMS\)' \
	'obj-$(CONFIG_DRM_MKMS)	+= mkms/'
echo "mkms copied to $drm/mkms; enable CONFIG_DRM_MKMS"
