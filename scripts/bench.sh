#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: boot the benchmark kernel (the test kernel with KASAN,
# lockdep, kmemleak and DEBUG_OBJECTS off: scripts/kconfig/bench.config)
# once, measure mkms against vkms side by side in it (bench/mkms_bench.c,
# bench/run-bench.sh), and leave bench/results.json, bench/results.png and
# the table. Figures are reported, never asserted; a kernel splat during
# the run, or a measurement that could not run, fails it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

usage()
{
	cat <<EOT
usage: ${0##*/}

Environment:
  KVER=6.12          kernel series of the benchmark kernel
  TESTS="memcpy compose vblank unbind scale"  the measurements to take
  FRAMES=200         writeback frames per driver, size and plane set
  VBLANK_FRAMES=600  page flips per driver and refresh rate
  RUNS=20            unbinds per case (idle, commit in flight)
  SIZES=1920x1080,3840x2160  RATES=60,144  DEVICES=1,8,32
  GUEST_TIMEOUT=7200 seconds before a hung guest is killed

Evidence is left in out/bench/: console.log, bench.jsonl, dmesg.txt.
EOT
}
case ${1:-} in
-h|--help) usage; exit 0 ;;
'') ;;
*) usage >&2; exit 2 ;;
esac

top=$MKMS_TOP
out=$top/out/bench
share=$out/guest
kver=${KVER:-6.12}

apt_install "${GUEST_HOST_PACKAGES[@]}" gnuplot-nox

kdir=$("$top/scripts/kernel.sh" --kver "$kver" \
	--fragment "$top/scripts/kconfig/debug.config" \
	--fragment "$top/scripts/kconfig/bench.config" build)
image=$("$top/scripts/rootfs.sh" build)

one_run_at_a_time bench
rm -rf "$out"
mkdir -p "$out"

log "building mkms.ko for the benchmark kernel"
make -C "$kdir" M="$top" clean >/dev/null 2>&1 || true
make -C "$kdir" M="$top" modules >"$out/build.log" 2>&1 ||
	{ tail -n 30 "$out/build.log" >&2; die "mkms.ko did not build"; }
prepare_share "$share" "$kdir" >"$out/share.log" 2>&1 ||
	{ cat "$out/share.log" >&2; die "the guest's share did not build"; }
make -s -C "$top/bench" O="$share/bench" >>"$out/share.log" 2>&1 ||
	{ cat "$out/share.log" >&2; die "bench/mkms_bench did not build"; }

cat >"$share/bench/settings" <<EOT
TESTS="${TESTS:-memcpy compose vblank unbind scale}"
FRAMES=${FRAMES:-200}
VBLANK_FRAMES=${VBLANK_FRAMES:-600}
RUNS=${RUNS:-20}
SIZES=${SIZES:-1920x1080,3840x2160}
RATES=${RATES:-60,144}
DEVICES=${DEVICES:-1,8,32}
EOT
timeout=${GUEST_TIMEOUT:-7200}
echo "run bench all measure $((timeout - 60)) /host/bench/run-bench.sh" \
	>"$share/plan"

log "booting the benchmark guest (mkms and vkms side by side)"
"$top/scripts/vm.sh" --kernel "$kdir/arch/x86/boot/bzImage" \
	--rootfs "$image" --share "$share" --log "$out/console.log" \
	--timeout "$timeout" || die "the guest did not finish: see $out/console.log"

cp "$share/results/steps.log" "$share/results/bench.jsonl" \
	"$share/results/dmesg.txt" "$share/results/exec-bench-all-measure.log" \
	"$out/" 2>/dev/null || true
grep -q '^pass bench all measure' "$out/steps.log" 2>/dev/null ||
	{ tail -n 30 "$out/exec-bench-all-measure.log" >&2 || true
	  die "the benchmark did not run to the end: see $out/"; }
no_splats "$out/dmesg.txt" ||
	die "the kernel complained during the run: see $out/dmesg.txt"

python3 "$top/scripts/bench.py" "$out/bench.jsonl" \
	--json "$top/bench/results.json" --png "$top/bench/results.png"
log "wrote bench/results.json and bench/results.png"
