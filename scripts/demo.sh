#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot the guest, load mkms, show it with modetest, then unbind
# it while a client holds its fd in the middle of page flips, and show what
# the client saw.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

case ${1:-} in
-h|--help)
	echo "usage: ${0##*/}   (see the README; output in out/demo/)"
	exit 0 ;;
'') ;;
*) echo "usage: ${0##*/}" >&2; exit 2 ;;
esac

top=$MKMS_TOP
out=$top/out/demo
share=$out/guest

apt_install qemu-system-x86 debootstrap gcc make libdrm-dev libkmod-dev \
	pkg-config kmod e2fsprogs
[ -e "$("$top/scripts/kernel.sh" dir 2>/dev/null)/.mkms-ready" ] ||
	log "first run: building the debug kernel (about 10 minutes) and the guest rootfs (about 2)"
kdir=$("$top/scripts/kernel.sh" build)
image=$("$top/scripts/rootfs.sh" build)

rm -rf "$out"
make -s -C "$kdir" M="$top" modules
prepare_share "$share" "$kdir"
cat >"$share/plan" <<'EOT'
load mkms
run mkms modetest list-set-flip 120 /host/tests/modetest-mkms.sh
run mkms mkms_hotunplug story 300 /host/tests/mkms_hotunplug --run-subtest unbind-during-flips,unbind-mmap,unbind-nonblocking-commit-event
unload mkms
EOT

"$top/scripts/vm.sh" --kernel "$kdir/arch/x86/boot/bzImage" --rootfs "$image" \
	--share "$share" --log "$out/console.log" --timeout 900
r=$share/results
echo
echo "== modetest -M mkms: the device as userspace sees it"
sed -n '/^Connectors:/,/^CRTCs:/p' "$r/exec-mkms-modetest-list-set-flip.log" | head -n 12
grep -E 'setting mode|freq:' "$r/exec-mkms-modetest-list-set-flip.log" | head -n 6
echo
echo "== unbind while page flips are in flight and the fd is open"
cat "$r/exec-mkms-mkms_hotunplug-story.log"
echo
echo "== the kernel's side"
grep -E '\[drm\].*mkms|mkms: ' "$r/dmesg.txt" | tail -n 8
echo
echo "Next: 'make check' runs the whole suite; docs/ explains the design."
echo "Everything the guest printed is in out/demo/console.log."
