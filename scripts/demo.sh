#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot the guest, load mkms, show it with modetest, compose a
# frame from three planes and capture it through the writeback connector
# (demo/output.png), then unbind the device while a client holds its fd with
# a page flip in flight, and show what the client saw.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

case ${1:-} in
-h|--help)
	echo "usage: ${0##*/}   (see the README; writes demo/output.png, the rest in out/demo/)"
	exit 0 ;;
'') ;;
*) echo "usage: ${0##*/}" >&2; exit 2 ;;
esac

top=$MKMS_TOP
out=$top/out/demo
share=$out/guest

apt_install qemu-system-x86 debootstrap gcc make libdrm-dev libkmod-dev \
	pkg-config kmod e2fsprogs netpbm
[ -e "$("$top/scripts/kernel.sh" dir 2>/dev/null)/.mkms-ready" ] ||
	log "first run: building the debug kernel (about 10 minutes) and the guest rootfs (about 2)"
kdir=$("$top/scripts/kernel.sh" build)
image=$("$top/scripts/rootfs.sh" build)
log "booting the guest (about 2 minutes under QEMU TCG)"

rm -rf "$out"
make -s -C "$kdir" M="$top" modules
prepare_share "$share" "$kdir"
cat >"$share/plan" <<'EOT'
load mkms
run mkms modetest list-set-flip 120 /host/tests/modetest-mkms.sh
run mkms demo capture 120 env MKMS_DEMO_PPM=/host/results/demo.ppm /host/tests/mkms_demo --run-subtest capture
run mkms demo unbind-story 120 /host/tests/mkms_demo --run-subtest unbind-story
unload mkms
EOT

"$top/scripts/vm.sh" --kernel "$kdir/arch/x86/boot/bzImage" --rootfs "$image" \
	--share "$share" --log "$out/console.log" --timeout 900
r=$share/results
echo
echo "== modetest -M mkms: the device as userspace sees it"
sed -n '/^Connectors:/,/^CRTCs:/p' "$r/exec-mkms-modetest-list-set-flip.log" | head -n 12
grep -E 'setting mode|freq:' "$r/exec-mkms-modetest-list-set-flip.log" | head -n 6

# The story lines of a test's log: its igt_info() output, without the
# harness's own chatter.
story()
{
	grep -vE '^(IGT-Version|Using IGT_SRANDOM|Starting subtest|Subtest .*: SUCCESS|Opened device)' "$1"
}

echo
echo "== three planes, composed by mkms, captured through its writeback connector"
story "$r/exec-mkms-demo-capture.log"
mkdir -p "$top/demo"
if [ -s "$r/demo.ppm" ] && pnmtopng "$r/demo.ppm" >"$top/demo/output.png" 2>/dev/null; then
	echo "-> demo/output.png"
else
	echo "-> no picture: the capture failed (see above)"
fi
echo
echo "== unbind while a client holds the fd, a buffer mapped and a flip queued"
story "$r/exec-mkms-demo-unbind-story.log"
echo
echo "== the kernel's side"
grep -E '\[drm\].*mkms|mkms: ' "$r/dmesg.txt" | tail -n 8
splats=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import summarize
for lines in summarize.scan_log(sys.argv[2]).values():
    print("\n".join(lines))' "$top/scripts" "$out")
if [ -z "$splats" ]; then
	echo "no KASAN, lockdep, kmemleak, WARN or DEBUG_OBJECTS report in the whole run"
else
	echo "kernel reports (a bug, please file it):"
	echo "$splats"
fi
fails=$(grep -v '^pass ' "$r/steps.log" || true)
[ -z "$fails" ] || { echo; echo "steps that did not pass:"; echo "$fails"; }
echo
echo "Next: demo/output.png is the frame; 'make check' runs the whole suite;"
echo "docs/usage.rst has modetest recipes, docs/design.rst the lifetimes."
echo "Everything the guest printed is in out/demo/console.log."
[ -z "$fails" ] && [ -z "$splats" ]
