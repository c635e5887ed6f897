# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the mkms guest tooling. Sourced, never executed.
#
# Everything a script downloads or builds lives under MKMS_CACHE
# (default: ${XDG_CACHE_HOME:-$HOME/.cache}/mkms), keyed by what it was
# built from, so that a fresh checkout reuses it and nothing is written
# into the checkout except out/.

MKMS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MKMS_CACHE=${MKMS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mkms}

log()
{
	printf '%s: %s\n' "${0##*/}" "$*" >&2
}

die()
{
	log "error: $*"
	exit 1
}

# Seconds since the epoch, for the progress lines of long steps.
now()
{
	date +%s
}

# apt_install PKG...: install the Debian packages that are missing. The
# package lists are refreshed once per call when something is missing,
# as apt-cache knows nothing on a machine that never ran 'apt-get update'.
apt_install()
{
	local missing=() p

	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0

	[ "$(id -u)" -eq 0 ] ||
		die "need root to install: ${missing[*]} (or install them yourself)"
	log "installing ${missing[*]}"
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >&2
}

# What every run in a guest needs on the host: QEMU, debootstrap for the
# guest's root fs, and what builds mkms.ko and the tests.
GUEST_HOST_PACKAGES=(qemu-system-x86 debootstrap gcc make perl python3
	libdrm-dev libkmod-dev pkg-config kmod e2fsprogs)

# one_run_at_a_time NAME: hold out/.NAME.lock until the script ends, or
# die if another make NAME in this checkout holds it: the second run would
# wipe the first one's evidence in out/NAME.
one_run_at_a_time()
{
	mkdir -p "$MKMS_TOP/out"
	exec 8>"$MKMS_TOP/out/.$1.lock"
	flock -n 8 || die "another make $1 is running in $MKMS_TOP"
}

# debian_mirror: the URI of the Debian archive this machine already uses,
# taken from its apt configuration so that no host name lives in the repo.
debian_mirror()
{
	local uri

	uri=$(apt-get indextargets --format '$(REPO_URI) $(SUITE) $(COMPONENT)' \
		'Created-By: Packages' 2>/dev/null |
		awk '$2 !~ /-security$/ && $3 == "main" { print $1; exit }')
	if [ -z "$uri" ]; then
		uri=$(grep -rhoE '^(deb|URIs:)[[:space:]]+(\[[^]]*\][[:space:]]+)?[a-z]+://[^[:space:]]+' \
			/etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
			grep -v -- '-security' | awk '{ print $NF; exit }')
	fi
	[ -n "$uri" ] || die "no Debian archive found in the apt configuration"
	printf '%s\n' "${uri%/}"
}

# sid_apt ARGS...: apt-get against Debian sid, from the archive
# debian_mirror names, with a private state directory under MKMS_CACHE: the
# host's package lists, status and sources never see sid. Used to download
# packages (never to install them) that the host's suites do not have.
sid_apt()
{
	local st=$MKMS_CACHE/apt-sid

	mkdir -p "$st/lists/partial" "$st/cache/archives/partial" "$st/preferences.d"
	printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s sid main\n' \
		"$(debian_mirror)" >"$st/sources.list"
	apt-get -q -o Dir::State="$st" -o Dir::State::Lists="$st/lists" \
		-o Dir::State::status=/dev/null -o Dir::Cache="$st/cache" \
		-o Dir::Etc::SourceList="$st/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::Etc::Preferences=/dev/null \
		-o Dir::Etc::PreferencesParts="$st/preferences.d" \
		-o Acquire::Languages=none -o APT::Sandbox::User=root "$@"
}

# content_hash FILE...: a short hash of the given files' contents.
content_hash()
{
	cat "$@" | sha256sum | cut -c1-12
}

# prepare_share SHARE KDIR [KO]: fill the directory the guest mounts as
# /host with what every run needs: the test kernel's modules plus mkms.ko
# (KO, default drm-driver/mkms.ko, built already for KDIR; depmod'ed so
# that modprobe finds it) and the KUnit test modules beside it in tests/,
# the guest's run.sh and our tests (built into SHARE/tests). The caller adds SHARE/plan.
prepare_share()
{
	local share=$1 kdir=$2 ko=${3:-$MKMS_TOP/drm-driver/mkms.ko} krel

	krel=$(cat "$kdir/include/config/kernel.release")
	mkdir -p "$share/results" "$share/modules/lib/modules"
	make -s -C "$MKMS_TOP/igt-tests" O="$share/tests"
	cp -al "$kdir/modroot/lib/modules/$krel" "$share/modules/lib/modules/" 2>/dev/null ||
		cp -a "$kdir/modroot/lib/modules/$krel" "$share/modules/lib/modules/"
	install -D -m 0644 "$ko" \
		"$share/modules/lib/modules/$krel/extra/mkms.ko"
	# The KUnit tests, if the kernel has KUnit (drm-driver/tests/).
	for test in "${ko%/*}"/tests/*.ko; do
		[ ! -e "$test" ] ||
			install -m 0644 "$test" "$share/modules/lib/modules/$krel/extra/"
	done
	depmod -b "$share/modules" "$krel"
	install -m 0755 "$MKMS_TOP/scripts/guest/run.sh" "$share/run.sh"
}

# no_splats LOG: print the splats in the kernel log LOG, by the list make
# check judges by (scripts/summarize.py); false if there is one.
no_splats()
{
	python3 "$MKMS_TOP/scripts/summarize.py" --splats "$1" >&2
}

# debug_guest_run OUT KDIR IMAGE TIMEOUT: one boot of the debug kernel for
# a long run (make fuzz, make soak). Builds mkms.ko and the tests against
# KDIR, takes the guest's plan (see scripts/guest/run.sh) from stdin,
# boots KDIR's kernel on IMAGE and leaves in OUT, which it empties first,
# console.log and what the guest wrote: steps.log, exec-*.log, dmesg.txt,
# kmemleak.txt. False if the guest did not run to its end.
debug_guest_run()
{
	local out=$1 kdir=$2 image=$3 timeout=$4 share=$1/guest rc=0

	rm -rf "$out"
	mkdir -p "$share/results"
	log "building mkms.ko and the tests"
	make -C "$kdir" M="$MKMS_TOP" modules >"$out/build.log" 2>&1 ||
		{ tail -n 30 "$out/build.log" >&2; die "mkms.ko did not build"; }
	prepare_share "$share" "$kdir" >>"$out/build.log" 2>&1 ||
		{ tail -n 30 "$out/build.log" >&2; die "the guest's share did not build"; }
	cat >"$share/plan"
	"$MKMS_TOP/scripts/vm.sh" --kernel "$kdir/arch/x86/boot/bzImage" \
		--rootfs "$image" --share "$share" --log "$out/console.log" \
		--timeout "$timeout" || rc=1
	mv "$share/results"/* "$out/" 2>/dev/null || true
	[ $rc = 0 ] || log "the guest did not finish: see $out/console.log"
	return $rc
}

# debug_guest_judge OUT DRIVER: what a long run must end with: every step
# of the guest's plan passed, DRIVER's unload among them (no fd or
# dma-buf left pinning it), kmemleak's final scan found nothing and the
# guest's kernel log has no splat. Says what failed; false if anything did.
debug_guest_judge()
{
	local out=$1 driver=$2 rc=0

	if [ ! -s "$out/steps.log" ] || grep -v '^pass ' "$out/steps.log" >&2; then
		log "a step of the guest failed: see $out/steps.log"
		rc=1
	fi
	grep -q "^pass $driver module unload" "$out/steps.log" 2>/dev/null ||
		{ log "$driver did not unload after the run"; rc=1; }
	if [ ! -e "$out/kmemleak.txt" ]; then
		log "no kmemleak scan: is this the debug kernel?"
		rc=1
	elif [ -s "$out/kmemleak.txt" ]; then
		log "kmemleak reports leaks: see $out/kmemleak.txt"
		rc=1
	fi
	no_splats "$out/console.log" ||
		{ log "the kernel complained during the run: see $out/console.log"; rc=1; }
	return $rc
}
