#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the guest (started by the image's /sbin/mkms-init) from the
# host's 9p share at /host. It sources /host/plan, a list of the step
# functions below written by scripts/vm.sh, and leaves everything it
# learns in /host/results:
#
#   steps.log              one line per step: "<result> <driver> <test> <subtest>"
#   igt-<driver>.<suite>/  igt_runner's results (results.json)
#   exec-<driver>-<name>.log  output of each plain test program
#   kunit-<driver>-<suite>.ktap  a KUnit suite's results (KTAP)
#   kmemleak.txt, dmesg.txt   the final leak scan and kernel log
#
# Progress goes to the console as "mkms-guest:" lines, which the host
# echoes, so a long run shows where it is.

R=/host/results
KMEMLEAK=/sys/kernel/debug/kmemleak
mkdir -p "$R"
: >"$R/steps.log"

say()
{
	echo "<5>mkms-guest: $*" >/dev/kmsg 2>/dev/null || echo "mkms-guest: $*"
}

step()	# step RESULT DRIVER TEST SUBTEST
{
	echo "$1 $2 $3 $4" >>"$R/steps.log"
	say "$1: $2 $3 $4"
}

# --- setup: module tree, leak baseline ---------------------------------

mkdir -p /lib/modules
mount --bind /host/modules/lib/modules /lib/modules
if [ -w "$KMEMLEAK" ]; then
	# What boot allocated is not ours to judge: start from a clean slate.
	echo scan >"$KMEMLEAK"
	echo clear >"$KMEMLEAK"
fi
say "kernel $(uname -r), $(nproc) cpus, plan: $(grep -c . /host/plan) steps"

# --- steps the plan can use ----------------------------------------------

# load DRIVER [ARGS...]: modprobe it and wait for its card to appear.
# Kernel messages from here to the end of 'unload' are DRIVER's: the host
# attributes splats by these phase lines.
load()
{
	drv=$1
	shift
	say "phase $drv"
	if modprobe "$drv" "$@" 2>"$R/load-$drv.log"; then
		i=0
		while [ ! -e /dev/dri/card0 ] && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		step pass "$drv" module load
	else
		cat "$R/load-$drv.log"
		step fail "$drv" module load
	fi
}

# unload DRIVER: rmmod it, which also proves no fd or dma-buf pins it.
unload()
{
	if modprobe -r "$1" 2>"$R/unload-$1.log"; then
		step pass "$1" module unload
	else
		cat "$R/unload-$1.log"
		step fail "$1" module unload
	fi
	say "phase guest"
}

# igt DRIVER.SUITE ROOT TESTLIST [ENV=VALUE...]: IGT tests from the test
# root ROOT (IGT's own, or ours) under igt_runner, results in
# igt-DRIVER.SUITE/. Multiple mode: one execution per binary for
# consecutive subtests, as each process start costs a second or two under
# TCG. IGT 2.5's runner mis-splits the output it gets over its socket in
# multiple mode and turns passes into "warn"; with the socket off it
# parses the tests' stdout and stderr, and classifies exactly as it does
# one subtest at a time. The per-subtest timeout only catches hangs: the
# longest subtest (rebind-loop, 100 cycles) takes about 3 minutes under
# TCG, and twice that on a busy host.
igt()
{
	name=$1
	root=$2
	list=$3
	shift 3
	envs=
	for e in "$@"; do
		envs="$envs -e $e"
	done
	say "igt_runner: $(grep -c . "$list") entries for $name"
	# shellcheck disable=SC2086
	IGT_RUNNER_DISABLE_SOCKET_COMMUNICATION=1 igt_runner -o -s -m \
		--per-test-timeout 600 --test-list "$list" $envs \
		"$root" "$R/igt-$name" >"$R/igt-$name.log" 2>&1
	rc=$?
	[ -e "$R/igt-$name/results.json" ] ||
		igt_results "$R/igt-$name" >>"$R/igt-$name.log" 2>&1
	if [ -e "$R/igt-$name/results.json" ]; then
		say "igt_runner for $name exited with $rc"
	else
		step fail "${name%%.*}" igt_runner "${name#*.}"
	fi
}

# run DRIVER TEST SUBTEST TIMEOUT CMD...: a plain test program or script.
# Exit code 0 is a pass, 77 a skip (IGT's convention), anything else a
# failure; its output goes to exec-DRIVER-TEST-SUBTEST.log.
run()
{
	drv=$1
	test=$2
	sub=$3
	limit=$4
	shift 4
	say "running $test $sub on $drv"
	timeout -k 10 "$limit" "$@" >"$R/exec-$drv-$test-$sub.log" 2>&1
	rc=$?
	case $rc in
	0) step pass "$drv" "$test" "$sub" ;;
	77) step skip "$drv" "$test" "$sub" ;;
	124|137) step timeout "$drv" "$test" "$sub" ;;
	*) step fail "$drv" "$test" "$sub" ;;
	esac
	return $rc
}

# kunit DRIVER MODULE: load the KUnit test module MODULE, which runs its
# suites as it loads, keep each new suite's KTAP results from debugfs as
# kunit-DRIVER-SUITE.ktap (the host parses them with the kernel's
# kunit.py) and unload it. The step fails if the module does not load or
# brings no suite.
kunit()
{
	drv=$1
	mod=$2
	dir=/sys/kernel/debug/kunit
	say "kunit: loading $mod"
	before=$(ls "$dir" 2>/dev/null)
	if ! modprobe "$mod" 2>"$R/load-$mod.log"; then
		cat "$R/load-$mod.log"
		step fail "$drv" kunit "$mod"
		return
	fi
	n=0
	for suite in $(ls "$dir" 2>/dev/null); do
		echo "$before" | grep -qxF "$suite" && continue
		cat "$dir/$suite/results" >"$R/kunit-$drv-$suite.ktap"
		n=$((n + 1))
	done
	say "kunit: $n suites from $mod"
	# Not modprobe -r, which would take DRIVER, now unused, with it.
	rmmod "$mod"
	if [ $n -gt 0 ]; then
		step pass "$drv" kunit "$mod"
	else
		step fail "$drv" kunit "$mod"
	fi
}

# shutdown_busy DRIVER: load DRIVER and leave a client flipping pages, so
# that the guest's final reboot runs the driver's .shutdown with an active
# CRTC and commits in flight. The host checks the log for the rest.
shutdown_busy()
{
	load "$1"
	if run "$1" shutdown client-flipping 60 \
		/host/tests/modetest-"$1".sh --background; then
		say "shutdown with $1 busy"
	fi
}

# --- the plan ------------------------------------------------------------

. /host/plan

# --- teardown: leak scan, kernel log -------------------------------------

if [ -w "$KMEMLEAK" ]; then
	say "kmemleak scan"
	# Objects freed by RCU or deferred work need a moment and a second scan.
	echo scan >"$KMEMLEAK"
	sleep 5
	echo scan >"$KMEMLEAK"
	cat "$KMEMLEAK" >"$R/kmemleak.txt"
fi
dmesg >"$R/dmesg.txt"
say "done"
