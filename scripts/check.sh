#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: the one test command. Installs what it needs, builds the
# test kernel, guest rootfs, module and tests (all cached but the last
# two), runs the static checks, boots the debug guest once to run every
# test on mkms, a second time for the reference runs on vkms, a third time
# on a kernel whose vkms has configfs to compare the two there, and ends
# with the line
# "N passed, N failed, N skipped, N known failures". Exits non-zero on any
# failure.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

usage()
{
	cat <<EOT
usage: ${0##*/}

Environment:
  KVER=6.12               kernel series of the test kernel
  CONFIGFS_KVER=7.2       kernel series of the configfs comparison boot
                          (vkms has configfs since 6.16); "none" skips it
  EXTRA_GUEST_TESTS=DIR   also run every executable in DIR in the guest,
                          on mkms (exit 0 pass, 77 skip, else fail)
  GUEST_TIMEOUT=3600      seconds before a hung guest is killed
  REFERENCE_TIMEOUT=2400  the same for the vkms reference's boot
  MKMS_CACHE=DIR          cache of kernel, rootfs (default ~/.cache/mkms)

Evidence is left in out/check/: console.log (the guest's full kernel
log), igt-<driver>.<suite>/results.json, summary.json and the per-step logs;
the vkms reference boot's in out/check/reference/, the configfs comparison
boot's in out/check/linux-<series>/.
EOT
}
case ${1:-} in
-h|--help) usage; exit 0 ;;
'') ;;
*) usage >&2; exit 2 ;;
esac

top=$MKMS_TOP
out=$top/out/check
share=$out/guest
kver=${KVER:-6.12}

apt_install "${GUEST_HOST_PACKAGES[@]}" sparse coccinelle dkms

kdir=$("$top/scripts/kernel.sh" --kver "$kver" build)
image=$("$top/scripts/rootfs.sh" build)

one_run_at_a_time check

rm -rf "$out"
mkdir -p "$out" "$share/results"
host_steps=$out/host-steps.log
: >"$host_steps"

host_step()	# host_step RESULT TEST SUBTEST
{
	echo "$1 host $2 $3" >>"$host_steps"
	log "$1: $2 $3"
}

# --- Build and static checks on the host -------------------------------

log "self-tests of the judge (scripts/tests)"
if python3 "$top/scripts/tests/test_summarize.py" >"$out/selftest.log" 2>&1; then
	host_step pass harness summarize-selftest
else
	cat "$out/selftest.log" >&2
	host_step fail harness summarize-selftest
fi
if python3 "$top/scripts/tests/test_bench.py" >"$out/bench-selftest.log" 2>&1; then
	host_step pass harness bench-selftest
else
	cat "$out/bench-selftest.log" >&2
	host_step fail harness bench-selftest
fi

log "conversion toolkit fixtures (convert/tests)"
if make -C "$top/convert" check >"$out/convert.log" 2>&1; then
	host_step pass convert fixtures
else
	tail -n 30 "$out/convert.log" >&2
	host_step fail convert fixtures
fi

log "building mkms.ko with W=1 C=1 (sparse)"
make -C "$kdir" M="$top" clean >/dev/null 2>&1 || true
if make -C "$kdir" M="$top" W=1 C=1 modules >"$out/build.log" 2>&1 &&
   ! grep -E 'warning:|error:' "$out/build.log"; then
	host_step pass build w1-sparse
else
	tail -n 30 "$out/build.log" >&2
	host_step fail build w1-sparse
fi
[ -e "$top/drm-driver/mkms.ko" ] || die "mkms.ko did not build: see $out/build.log"

log "checkpatch --strict"
# The compat header is what only an out-of-tree driver has: comparing
# LINUX_VERSION_CODE is its job, so those two checks are off for it alone.
checkpatch()
{
	perl "$kdir/source/scripts/checkpatch.pl" --strict --no-tree --quiet \
		--show-types "$@"
}
if checkpatch -f $(cd "$top" && git ls-files -co --exclude-standard \
		'drm-driver/*.[ch]' 'include/*.h' ':!include/mkms_compat.h' |
		sed "s|^|$top/|") >"$out/checkpatch.log" 2>&1 &&
   checkpatch --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON \
	-f "$top/include/mkms_compat.h" >>"$out/checkpatch.log" 2>&1; then
	host_step pass build checkpatch-strict
else
	cat "$out/checkpatch.log" >&2
	host_step fail build checkpatch-strict
fi

# The other supported kernels: W=1 C=1 builds against modules_prepare
# trees (scripts/kernel.sh prepare, cached). Those have no Module.symvers,
# so modpost's unresolved symbols are warnings there; the compiler's and
# sparse's are failures as above.
for v in 6.1 6.12 7.2; do
	[ "$v" != "$kver" ] || continue
	log "building mkms.ko against Linux $v with W=1 C=1"
	# A copy of the module's sources: the DKMS source tree has just those.
	work=$(mktemp -d "$out/.build-$v.XXXXXX")
	src=$("$top/scripts/dkms.sh" stage "$work")
	if vdir=$("$top/scripts/kernel.sh" --kver "$v" prepare 2>"$out/build-$v.log") &&
	   make -C "$vdir" M="$src" W=1 C=1 KBUILD_MODPOST_WARN=1 modules \
		>>"$out/build-$v.log" 2>&1 &&
	   [ -e "$src/drm-driver/mkms.ko" ] &&
	   ! grep -E 'warning:|error:' "$out/build-$v.log"; then
		host_step pass build "w1-sparse-$v"
		rm -rf "$work"
	else
		tail -n 30 "$out/build-$v.log" >&2
		host_step fail build "w1-sparse-$v"
	fi
done

# The same sources built the two other ways users build them: inside a
# kernel tree through drm-driver/Kconfig, and by DKMS (build only).
for how in intree dkms; do
	log "building mkms $how (scripts/tests/test_packaging.sh)"
	work=$(mktemp -d "$out/.packaging-$how.XXXXXX")
	if "$top/scripts/tests/test_packaging.sh" "$how" "$kdir" "$work/w" \
		>"$out/packaging-$how.log" 2>&1; then
		host_step pass build "$how"
		rm -rf "$work"
	else
		tail -n 30 "$out/packaging-$how.log" >&2
		host_step fail build "$how"
	fi
done

log "building the tests and the guest's share"
prepare_share "$share" "$kdir" >"$out/tests-build.log" 2>&1 ||
	{ cat "$out/tests-build.log" >&2; die "the tests or the share did not build"; }

log "self-tests of the IGT-compatible harness on the host"
if python3 "$top/scripts/tests/test_harness.py" \
	"$share/tests/igt_harness_selftest" >"$out/harness-selftest.log" 2>&1; then
	host_step pass harness igt-core-selftest
else
	cat "$out/harness-selftest.log" >&2
	host_step fail harness igt-core-selftest
fi

# --- The guest's plan ----------------------------------------------------

cp -r "$top/igt-tests/lists" "$share/lists"

extra=
if [ -n "${EXTRA_GUEST_TESTS:-}" ]; then
	[ -d "$EXTRA_GUEST_TESTS" ] || die "EXTRA_GUEST_TESTS=$EXTRA_GUEST_TESTS is not a directory"
	cp -r "$EXTRA_GUEST_TESTS" "$share/extra"
	for t in "$share"/extra/*; do
		[ -f "$t" ] && [ -x "$t" ] &&
			extra+="run mkms extra ${t##*/} 600 /host/extra/${t##*/}"$'\n'
	done
fi

upstream=/usr/libexec/igt-gpu-tools
cat >"$share/plan" <<EOT
load mkms
kunit mkms mkms_composer_test
run mkms modetest list-set-flip 300 /host/tests/modetest-mkms.sh
igt harness.selftest /host/tests /host/lists/harness.selftest.testlist
igt mkms.ours /host/tests /host/lists/mkms.ours.testlist
igt mkms.upstream $upstream /host/lists/mkms.upstream.testlist
${extra}unload mkms
load mkms num_crtcs=4
igt mkms.soak /host/tests /host/lists/mkms.soak.testlist
unload mkms
shutdown_busy mkms
EOT
# The vkms reference runs the same lists in the same guest, booted again:
# a boot of its own, so that the reference cannot take the mkms results
# with it. vkms has hung and crashed this guest under TCG, and a boot that
# does not run to its end loses what was to come after.
ref_out=$out/reference
ref_share=$ref_out/guest
mkdir -p "$ref_out"
cp -r "$share" "$ref_share"
cat >"$ref_share/plan" <<EOT
load vkms
igt vkms.ours /host/tests /host/lists/vkms.ours.testlist IGT_FORCE_DRIVER=vkms
igt vkms.upstream $upstream /host/lists/vkms.upstream.testlist IGT_FORCE_DRIVER=vkms
unload vkms
EOT

# --- Boot, then judge ----------------------------------------------------

# boot KDIR SHARE OUT TIMEOUT: boot KDIR's kernel with SHARE as the guest's
# /host, which runs SHARE/plan; the console log and what the guest wrote
# end up in OUT. False if the guest did not run to its end.
boot()
{
	local rc=0

	"$top/scripts/vm.sh" --kernel "$1/arch/x86/boot/bzImage" \
		--rootfs "$image" --share "$2" --log "$3/console.log" \
		--timeout "$4" || rc=1
	mv "$2/results"/* "$3/" 2>/dev/null || true
	return $rc
}

guest=pass
boot "$kdir" "$share" "$out" "${GUEST_TIMEOUT:-3600}" || guest=fail
echo "$guest guest boot run-to-end" >>"$host_steps"

# Reference records: reported, not counted (scripts/summarize.py).
ref=pass
boot "$kdir" "$ref_share" "$ref_out" "${REFERENCE_TIMEOUT:-2400}" || ref=fail
echo "$ref vkms boot run-to-end" >>"$host_steps"

# KUnit suites' KTAP, parsed by the kernel's own parser into the JSON that
# summarize.py reads. It exits non-zero when a test failed; the JSON says
# which.
kunit_py=$(readlink -f "$kdir/source")/tools/testing/kunit/kunit.py
for ktap in "$out"/kunit-*.ktap; do
	[ -e "$ktap" ] || continue
	python3 "$kunit_py" parse --json="${ktap%.ktap}.json" "$ktap" \
		>"${ktap%.ktap}.log" 2>&1 || true
done

# --- configfs and the newer core, on sid's kernel --------------------------
# vkms gained configfs in Linux 6.16 and the core BACKGROUND_COLOR later;
# the test kernel is 6.12. A second, short boot of the same debug
# configuration on sid's series runs mkms_configfs on mkms and on vkms, IGT's
# own vkms_configfs on vkms, and the subtests of what the 6.12 core lacks
# (lists/*.newcore.testlist) on both, side by side. Its records carry the
# driver as "<driver>@linux-<series>".
cfs_kver=${CONFIGFS_KVER:-7.2}
if [ "$cfs_kver" != none ] && [ "$cfs_kver" != "$kver" ]; then
	cfs_out=$out/linux-$cfs_kver
	cfs_share=$cfs_out/guest
	mkdir -p "$cfs_share/results"
	log "configfs comparison: building Linux $cfs_kver and mkms.ko for it"
	cfs=fail
	work=$(mktemp -d "$out/.build-cfs.XXXXXX")
	if cfs_kdir=$("$top/scripts/kernel.sh" --kver "$cfs_kver" build \
			2>"$cfs_out/kernel.log") &&
	   src=$("$top/scripts/dkms.sh" stage "$work") &&
	   make -C "$cfs_kdir" M="$src" modules >"$cfs_out/build.log" 2>&1 &&
	   prepare_share "$cfs_share" "$cfs_kdir" "$src/drm-driver/mkms.ko" \
			>>"$cfs_out/build.log" 2>&1; then
		cp -r "$top/igt-tests/lists" "$cfs_share/lists"
		# IGT's vkms_configfs lives in a subfolder of IGT's tests:
		# give igt_runner a root of its own for it.
		igt_vkms=/tmp/igt-vkms
		cat >"$cfs_share/plan" <<EOT
load mkms
igt mkms.configfs /host/tests /host/lists/mkms.configfs.testlist
igt mkms.newcore /host/tests /host/lists/mkms.newcore.testlist
unload mkms
load vkms
igt vkms.configfs /host/tests /host/lists/vkms.configfs.testlist IGT_FORCE_DRIVER=vkms
mkdir -p $igt_vkms
ln -sf $upstream/vkms/vkms_configfs $igt_vkms/
printf 'TESTLIST\nvkms_configfs\nEND TESTLIST\n' >$igt_vkms/test-list.txt
igt vkms.igt-configfs $igt_vkms /host/lists/vkms.igt-configfs.testlist IGT_FORCE_DRIVER=vkms
unload vkms
load vkms enable_overlay=1
igt vkms.newcore /host/tests /host/lists/vkms.newcore.testlist IGT_FORCE_DRIVER=vkms
unload vkms
EOT
		boot "$cfs_kdir" "$cfs_share" "$cfs_out" \
			"${GUEST_TIMEOUT:-3600}" && cfs=pass
	else
		tail -n 30 "$cfs_out/kernel.log" "$cfs_out/build.log" >&2
	fi
	rm -rf "$work"
	echo "$cfs guest configfs-linux-$cfs_kver" >>"$host_steps"
fi

python3 "$top/scripts/summarize.py" --out "$out" \
	--xfails "$top/igt-tests/xfails" \
	--expected-results "$top/igt-tests/expected-results.txt"
