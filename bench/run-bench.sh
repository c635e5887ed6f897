#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the benchmark guest (scripts/bench.sh puts it in the plan): loads
# vkms and mkms side by side, runs each mkms_bench measurement and leaves
# one JSON object per line in /host/results/bench.jsonl. Settings come
# from /host/bench/settings (TESTS, FRAMES, VBLANK_FRAMES, RUNS, SIZES,
# RATES, DEVICES), written by the host.
set -eu

B=/host/bench
out=/host/results/bench.jsonl
. "$B/settings"

cards()	# cards DRIVER: how many DRM cards DRIVER's devices have
{
	n=0
	for c in /sys/class/drm/card[0-9]*; do
		# vkms's platform device is "vkms", mkms's are "mkms.N".
		case $(readlink "$c/device" 2>/dev/null) in
		*/"$1"|*/"$1".[0-9]*) n=$((n + 1)) ;;
		esac
	done
	echo "$n"
}

wait_card()	# wait_card DRIVER
{
	i=0
	while [ "$(cards "$1")" -lt 1 ]; do
		[ $i -lt 100 ] || { echo "no $1 card" >&2; exit 1; }
		sleep 0.1
		i=$((i + 1))
	done
}

step()	# step NAME ARGS...: one measurement, timed for the log
{
	echo "mkms-bench: $*" >&2
	start=$(date +%s)
	"$B/mkms_bench" "$@" >>"$out"
	echo "mkms-bench: $1 took $(($(date +%s) - start)) s" >&2
}

: >"$out"
printf '{"test":"meta","kernel":"%s","cpus":%s,"mem_kib":%s}\n' \
	"$(uname -r)" "$(nproc)" \
	"$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)" >>"$out"

# vkms's overlay planes are off by default; cursor and writeback are on.
modprobe vkms enable_overlay=1 enable_cursor=1 enable_writeback=1
wait_card vkms
modprobe mkms
wait_card mkms

for t in $TESTS; do
	case $t in
	memcpy) step memcpy -s "$SIZES" ;;
	compose) step compose -f "$FRAMES" -s "$SIZES" ;;
	vblank) step vblank -f "$VBLANK_FRAMES" -r "$RATES" ;;
	unbind) step unbind -n "$RUNS" ;;
	scale) step scale -n 3 -d "$DEVICES" ;;
	*) echo "unknown measurement $t" >&2; exit 1 ;;
	esac
done
modprobe -r vkms
[ ! -e /sys/module/mkms ] || modprobe -r mkms
