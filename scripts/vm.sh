#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test guest once: the given kernel, the cached root image (its
# writes discarded), and a host directory shared over 9p as /host, whose
# run.sh the guest executes before powering off.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

usage()
{
	cat <<EOT
usage: ${0##*/} --kernel BZIMAGE --rootfs IMAGE --share DIR [--timeout SEC]
       [--log FILE] [--vga TYPE]

Boots QEMU (q35, TCG, 2 vCPUs, 3 GiB) with the serial console in FILE (default
DIR/console.log). Lines the guest prints as "mkms-guest: ..." are echoed
as progress. Exits 0 if the guest ran DIR/run.sh to its end and powered
off, 1 if it crashed or was killed after SEC seconds (default 2400).
--vga picks QEMU's display adapter (std, the default, is what bochs
drives; cirrus is what cirrus drives).
EOT
}

kernel= rootfs= share= timeout=2400 console= vga=std
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift ;;
	--rootfs) rootfs=$2; shift ;;
	--share) share=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--log) console=$2; shift ;;
	--vga) vga=$2; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done
[ -r "$kernel" ] && [ -r "$rootfs" ] && [ -d "$share" ] || { usage >&2; exit 2; }
console=${console:-$share/console.log}

# TCG only: KVM exists on these machines but hangs in the decompressor.
# q35, because the ACPI tables of the default i440fx machine make the
# KASAN kernel spend 30 s per PCI device in an AML loop under TCG, and
# without ACPI SeaBIOS's MP table offers only one CPU. tsc=reliable: the
# TSC of a TCG guest follows the host's clock, and the watchdog that would
# check it against the HPET only measures the host descheduling a vCPU
# ("clocksource: Long readout interval, skipping watchdog check", at
# warning level, which IGT's runner holds against the test running then).
qemu=(qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 2 -m 3G
	-nographic -vga "$vga" -no-reboot -monitor none -serial "file:$console"
	-kernel "$kernel"
	-append "console=ttyS0 root=/dev/vda rw rootfstype=ext4 init=/sbin/mkms-init panic=-1 loglevel=7 hung_task_panic=0 tsc=reliable"
	-drive "file=$rootfs,if=virtio,format=raw,snapshot=on"
	-virtfs "local,path=$share,mount_tag=host,security_model=none,id=host")

: >"$console"
start=$(now)
log "booting the guest (TCG; limit ${timeout} s)"
timeout -k 10 "$timeout" "${qemu[@]}" </dev/null >"$console.qemu" 2>&1 &
qpid=$!
# The progress pipeline ends by itself when QEMU (its timeout) exits.
tail --pid="$qpid" -n +1 -F "$console" 2>/dev/null |
	grep --line-buffered -o 'mkms-guest: .*' | sed -u 's/^/  /' &
tpid=$!
rc=0
wait "$qpid" || rc=$?
wait "$tpid" || true

if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	log "the guest did not finish within ${timeout} s: killed"
	exit 1
elif [ "$rc" -ne 0 ]; then
	log "qemu failed ($rc): $(tail -n 5 "$console.qemu")"
	exit 1
fi
if ! grep -q 'mkms-guest: done' "$console"; then
	log "the guest stopped before the end of its run (crash or panic)"
	exit 1
fi
log "guest finished in $(($(now) - start)) s"
