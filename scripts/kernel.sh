#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or find in the cache) the mkms test kernel and print its build
# directory, which is also the KDIR that out-of-tree modules build against.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

usage()
{
	cat <<EOT
usage: ${0##*/} [--kver VER] [--fragment FILE] [build|dir]

  build      fetch Debian's linux-source-VER with apt, configure it from
             allnoconfig plus FILE, build bzImage and modules, install the
             modules under the build directory; print the build directory
             (default command; a cached build is reused)
  dir        print the build directory a build would use, build nothing

  --kver VER       kernel series (default: \$KVER or 6.12)
  --fragment FILE  config fragment (default: scripts/kconfig/debug.config)

The build lives in \$MKMS_CACHE/kernel/<package version>-<fragment hash>/:
  arch/x86/boot/bzImage   the kernel the guest boots
  modroot/lib/modules/*   its modules (DRM, vkms), for the guest
EOT
}

kver=${KVER:-6.12}
fragment=$MKMS_TOP/scripts/kconfig/debug.config
cmd=build
while [ $# -gt 0 ]; do
	case $1 in
	--kver) kver=$2; shift ;;
	--fragment) fragment=$2; shift ;;
	build|dir) cmd=$1 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done
[ -r "$fragment" ] || die "no config fragment $fragment"

pkg=linux-source-$kver
# Bump when the recipe below changes in a way the fragment does not show.
recipe=1

build_dir()
{
	local ver

	ver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) || return 1
	printf '%s/kernel/%s-%s\n' "$MKMS_CACHE" "${ver//\~/_}" \
		"$( (echo "$recipe"; cat "$fragment") | sha256sum | cut -c1-12)"
}

if [ "$cmd" = dir ]; then
	build_dir || die "$pkg is not installed: run '${0##*/} build' first"
	exit 0
fi

apt_install "$pkg" bc bison flex libelf-dev libssl-dev cpio xz-utils kmod \
	make gcc
out=$(build_dir)
if [ -e "$out/.mkms-ready" ]; then
	printf '%s\n' "$out"
	exit 0
fi

mkdir -p "$out"
exec 9>"$out/.lock"
flock 9

src=$MKMS_CACHE/src/$(basename "$out" | sed 's/-[^-]*$//')
tarball=$(ls /usr/src/"$pkg".tar.* 2>/dev/null | head -n 1)
[ -n "$tarball" ] || die "$pkg installed but no /usr/src/$pkg.tar.*"
if [ ! -e "$src/.mkms-ready" ]; then
	log "unpacking $tarball (about a minute)"
	rm -rf "$src"
	mkdir -p "$src"
	tar -xf "$tarball" -C "$src" --strip-components=1
	touch "$src/.mkms-ready"
fi

log "configuring $pkg with ${fragment#"$MKMS_TOP"/}"
make -s -C "$src" O="$out" KCONFIG_ALLCONFIG="$fragment" allnoconfig >&2

# Kconfig drops what it cannot satisfy without a word: check every line.
missing=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		grep -qxF "$line" "$out/.config" ||
			{ log "config: wanted $line, got: $(grep "^${line%%=*}=" "$out/.config" || echo unset)"; missing=1; }
		;;
	'# CONFIG_'*' is not set')
		opt=${line#\# }
		opt=${opt%% *}
		! grep -q "^$opt=" "$out/.config" ||
			{ log "config: wanted $opt unset"; missing=1; }
		;;
	esac
done <"$fragment"
[ "$missing" -eq 0 ] || die "the config fragment does not apply to $pkg"

start=$(now)
log "building $pkg with KASAN, lockdep, kmemleak (about 10 minutes on 2 cores)"
make -s -C "$src" O="$out" -j"$(nproc)" bzImage modules >&2
rm -rf "$out/modroot"
make -s -C "$src" O="$out" INSTALL_MOD_PATH="$out/modroot" modules_install >&2
log "kernel built in $(($(now) - start)) s"
touch "$out/.mkms-ready"
printf '%s\n' "$out"
