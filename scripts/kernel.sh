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
usage: ${0##*/} [--kver VER] [--fragment FILE] [build|prepare|dir]

  build      fetch Debian's linux-source-VER, configure it from allnoconfig
             plus FILE, build bzImage and modules, install the modules
             under the build directory; print the build directory
             (default command; a cached build is reused)
  prepare    the same configuration, but only 'make modules_prepare': a
             tree to build-check modules against (a full build serves too)
  dir        print the build directory a build would use, build nothing

  --kver VER       kernel series: 6.1 or 6.12 (default: \$KVER or 6.12) come
                   from the suites this machine's apt already uses; any
                   other series (7.2) is downloaded from Debian sid with a
                   private apt state (scripts/lib.sh:sid_apt), never
                   installed
  --fragment FILE  config fragment (default: scripts/kconfig/debug.config);
                   FILE-VER.config, if it exists, is merged after it with
                   what that series needs besides; repeat the option to
                   merge more fragments, in order

The build lives in \$MKMS_CACHE/kernel/<package version>-<fragment hash>/:
  arch/x86/boot/bzImage   the kernel the guest boots
  modroot/lib/modules/*   its modules (DRM, vkms), for the guest
EOT
}

kver=${KVER:-6.12}
given=()
cmd=build
while [ $# -gt 0 ]; do
	case $1 in
	--kver) kver=$2; shift ;;
	--fragment) given+=("$2"); shift ;;
	build|prepare|dir) cmd=$1 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done
[ ${#given[@]} -gt 0 ] || given=("$MKMS_TOP/scripts/kconfig/debug.config")
fragments=()
for fragment in "${given[@]}"; do
	[ -r "$fragment" ] || die "no config fragment $fragment"
	fragments+=("$fragment")
	[ ! -r "${fragment%.config}-$kver.config" ] ||
		fragments+=("${fragment%.config}-$kver.config")
done
case $kver in
6.1|6.12) origin=host ;;
[0-9]*.[0-9]*) origin=sid ;;
*) die "--kver $kver: want a kernel series such as 6.12" ;;
esac

pkg=linux-source-$kver
debs=$MKMS_CACHE/deb
# Bump when the recipe below changes in a way the fragment does not show.
recipe=1

# The version of the source package a build uses, or nothing.
pkg_version()
{
	local deb

	if [ "$origin" = host ]; then
		dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || true
	else
		deb=$(ls "$debs/${pkg}"_*.deb 2>/dev/null | tail -n 1)
		[ -z "$deb" ] || dpkg-deb -f "$deb" Version
	fi
}

build_dir()
{
	local ver

	ver=$(pkg_version)
	[ -n "$ver" ] || return 1
	printf '%s/kernel/%s-%s\n' "$MKMS_CACHE" "${ver//\~/_}" \
		"$( (echo "$recipe"; cat "${fragments[@]}") | sha256sum | cut -c1-12)"
}

if [ "$cmd" = dir ]; then
	build_dir || die "$pkg is not there: run '${0##*/} --kver $kver build' first"
	exit 0
fi

apt_install bc bison flex libelf-dev libssl-dev cpio xz-utils kmod make gcc
if [ "$origin" = host ]; then
	apt_install "$pkg"
elif [ -z "$(pkg_version)" ]; then
	log "downloading $pkg from Debian sid (about 160 MB; not installed)"
	mkdir -p "$debs"
	sid_apt update >&2
	(cd "$debs" && sid_apt download "$pkg" >&2)
fi
out=$(build_dir) || die "$pkg: no source package"
if [ -e "$out/.mkms-ready" ] ||
   { [ "$cmd" = prepare ] && [ -e "$out/.mkms-prepared" ]; }; then
	printf '%s\n' "$out"
	exit 0
fi

mkdir -p "$out"
exec 9>"$out/.lock"
flock 9

src=$MKMS_CACHE/src/$(basename "$out" | sed 's/-[^-]*$//')
if [ ! -e "$src/.mkms-ready" ]; then
	rm -rf "$src"
	mkdir -p "$src"
	if [ "$origin" = host ]; then
		tarball=$(ls /usr/src/"$pkg".tar.* 2>/dev/null | head -n 1)
		[ -n "$tarball" ] || die "$pkg installed but no /usr/src/$pkg.tar.*"
		log "unpacking $tarball (about a minute)"
		tar -xf "$tarball" -C "$src" --strip-components=1
	else
		deb=$(ls "$debs/${pkg}"_*.deb | tail -n 1)
		log "unpacking $deb (about a minute)"
		dpkg-deb --fsys-tarfile "$deb" |
			tar -xO --wildcards "./usr/src/$pkg.tar.*" |
			tar -xJ -C "$src" --strip-components=1
	fi
	touch "$src/.mkms-ready"
fi

log "configuring $pkg with ${fragments[*]#"$MKMS_TOP"/}"
cat "${fragments[@]}" >"$out/mkms.config"
make -s -C "$src" O="$out" KCONFIG_ALLCONFIG="$out/mkms.config" allnoconfig >&2

# Kconfig drops what it cannot satisfy without a word: check every line.
# A later fragment may set an option again (the benchmark kernel turns
# the debugging off): the last line about an option is the one wanted.
missing=0
declare -A seen=()
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		opt=${line%%=*}
		[ -z "${seen[$opt]:-}" ] || continue
		seen[$opt]=1
		grep -qxF "$line" "$out/.config" ||
			{ log "config: wanted $line, got: $(grep "^$opt=" "$out/.config" || echo unset)"; missing=1; }
		;;
	'# CONFIG_'*' is not set')
		opt=${line#\# }
		opt=${opt%% *}
		[ -z "${seen[$opt]:-}" ] || continue
		seen[$opt]=1
		! grep -q "^$opt=" "$out/.config" ||
			{ log "config: wanted $opt unset"; missing=1; }
		;;
	esac
done < <(tac "$out/mkms.config")
[ "$missing" -eq 0 ] || die "the config fragment does not apply to $pkg"

start=$(now)
if [ "$cmd" = prepare ]; then
	log "preparing $pkg for module builds (about a minute)"
	make -s -C "$src" O="$out" -j"$(nproc)" modules_prepare >&2
	touch "$out/.mkms-prepared"
	printf '%s\n' "$out"
	exit 0
fi
log "building $pkg (about 10 minutes on 2 cores)"
make -s -C "$src" O="$out" -j"$(nproc)" bzImage modules >&2
rm -rf "$out/modroot"
make -s -C "$src" O="$out" INSTALL_MOD_PATH="$out/modroot" modules_install >&2
log "kernel built in $(($(now) - start)) s"
touch "$out/.mkms-ready"
printf '%s\n' "$out"
