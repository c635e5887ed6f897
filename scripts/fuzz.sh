#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz: boot the debug guest (the make check kernel: KASAN, lockdep,
# kmemleak, DEBUG_OBJECTS) and run igt-tests/mkms_fuzz's atomic subtest for
# a long time on mkms, with the seed and the number of ops asked for. The
# run fails on any splat, hang, leak (kmemleak scan at the end) or
# unexpected errno, and then prints the seed and the shortest op sequence
# it found that reproduces the failure. make check runs the same fuzzer
# with its default seed and 10^4 ops.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

usage()
{
	cat <<EOT
usage: ${0##*/}

Environment:
  SEED=<random>      the run's seed (printed; the same seed gives the same ops)
  OPS=100000         ops to run
  UNBIND=1000        one unbind in that many ops (0: none)
  DRIVER=mkms        or vkms, to fuzz the reference
  KVER=6.12          kernel series of the test kernel
  GUEST_TIMEOUT=14400 seconds before a hung guest is killed

Evidence is left in out/fuzz/: console.log, fuzz.log, dmesg.txt, kmemleak.txt.
EOT
}
case ${1:-} in
-h|--help) usage; exit 0 ;;
'') ;;
*) usage >&2; exit 2 ;;
esac

top=$MKMS_TOP
out=$top/out/fuzz
kver=${KVER:-6.12}
seed=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
ops=${OPS:-100000}
unbind=${UNBIND:-1000}
driver=${DRIVER:-mkms}
timeout=${GUEST_TIMEOUT:-14400}
case $seed$ops$unbind in
*[!0-9]*) die "SEED, OPS and UNBIND are numbers" ;;
esac
case $driver in
mkms) force= ;;
vkms) force=IGT_FORCE_DRIVER=vkms ;;
*) die "DRIVER is mkms or vkms" ;;
esac

apt_install "${GUEST_HOST_PACKAGES[@]}"

kdir=$("$top/scripts/kernel.sh" --kver "$kver" build)
image=$("$top/scripts/rootfs.sh" build)

one_run_at_a_time fuzz

log "fuzzing $driver: seed $seed, $ops ops, an unbind in $unbind"
guest=0
debug_guest_run "$out" "$kdir" "$image" "$timeout" <<EOT || guest=1
load $driver
run $driver mkms_fuzz atomic $((timeout - 120)) env $force MKMS_FUZZ_SEED=$seed MKMS_FUZZ_OPS=$ops MKMS_FUZZ_UNBIND=$unbind /host/tests/mkms_fuzz --run-subtest atomic
unload $driver
EOT
mv "$out/exec-$driver-mkms_fuzz-atomic.log" "$out/fuzz.log" 2>/dev/null || true
grep -E '^(seed|FAILED|reproduce|shortest|  #|which|Timed out)' "$out/fuzz.log" 2>/dev/null || true

rc=0
[ $guest = 0 ] || rc=1
grep -q "^pass $driver mkms_fuzz atomic" "$out/steps.log" 2>/dev/null ||
	{ log "the fuzzer failed: see $out/fuzz.log"; rc=1; }
debug_guest_judge "$out" "$driver" || rc=1
[ $rc = 0 ] && log "$driver: seed $seed, $ops ops: no splat, no leak"
exit $rc
