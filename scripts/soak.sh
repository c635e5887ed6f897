#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make soak: boot the debug guest (the make check kernel: KASAN, lockdep,
# kmemleak, DEBUG_OBJECTS), load mkms with one CRTC per client and run
# igt-tests/mkms_soak: CYCLES unbind/bind cycles while CLIENTS client
# processes do random valid commits on a lease each and keep their fds
# across bindings. The run fails on a failed request, a missing ENODEV,
# event, fence or CRC, a slab cache that grew by an object per cycle, a
# leak (kmemleak scan at the end), a splat or a module that does not
# unload. It reports cycles per second. make check runs the same test
# with 10 cycles.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

usage()
{
	cat <<EOT
usage: ${0##*/}

Environment:
  CYCLES=1000        unbind/bind cycles
  CLIENTS=4          client processes, each on a CRTC of its own
  SEED=1             seed of the clients' requests
  KVER=6.12          kernel series of the test kernel
  GUEST_TIMEOUT=14400 seconds before a hung guest is killed

Evidence is left in out/soak/: console.log, soak.log (the test's output:
requests per kind, cycles/s, slab growth), dmesg.txt, kmemleak.txt.
EOT
}
case ${1:-} in
-h|--help) usage; exit 0 ;;
'') ;;
*) usage >&2; exit 2 ;;
esac

top=$MKMS_TOP
out=$top/out/soak
kver=${KVER:-6.12}
cycles=${CYCLES:-1000}
clients=${CLIENTS:-4}
seed=${SEED:-1}
timeout=${GUEST_TIMEOUT:-14400}
case $cycles$clients$seed$timeout in
*[!0-9]*) die "CYCLES, CLIENTS, SEED and GUEST_TIMEOUT are numbers" ;;
esac

apt_install "${GUEST_HOST_PACKAGES[@]}"

kdir=$("$top/scripts/kernel.sh" --kver "$kver" build)
image=$("$top/scripts/rootfs.sh" build)

one_run_at_a_time soak

log "soaking mkms: $cycles cycles, $clients clients, seed $seed"
guest=0
debug_guest_run "$out" "$kdir" "$image" "$timeout" <<EOT || guest=1
load mkms num_crtcs=$clients
run mkms mkms_soak cycles $((timeout - 120)) env MKMS_SOAK_CYCLES=$cycles MKMS_SOAK_CLIENTS=$clients MKMS_SOAK_SEED=$seed /host/tests/mkms_soak --run-subtest cycles
unload mkms
EOT
mv "$out/exec-mkms-mkms_soak-cycles.log" "$out/soak.log" 2>/dev/null || true
grep -E 'cycles/s|slab growth|^(modeset|off|flip|plane|cursor|writeback|crc) ' \
	"$out/soak.log" 2>/dev/null || true

rc=0
[ $guest = 0 ] || rc=1
grep -q '^pass mkms mkms_soak cycles' "$out/steps.log" 2>/dev/null ||
	{ log "the soak test failed: see $out/soak.log"; rc=1; }
debug_guest_judge "$out" mkms || rc=1
[ $rc = 0 ] && log "mkms: $cycles cycles, $clients clients: no splat, no leak"
exit $rc
