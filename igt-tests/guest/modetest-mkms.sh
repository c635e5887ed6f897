#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# modetest against mkms: list the connector, CRTC and planes, then set a
# mode with a test pattern and page-flip on vblank, once through the legacy
# ioctls (with the cursor moving) and once through atomic commits (with the
# cursor plane shown). Exit 0 if all of that worked.
#
# With --background, it only sets the mode and leaves modetest flipping in
# the background (the guest's poweroff then finds an active CRTC and
# commits in flight); exit 0 once flips are seen.
set -eu

background=0
[ "${1:-}" = --background ] && background=1

fail()
{
	echo "FAIL: $*"
	exit 1
}

res=$(modetest -M mkms -c -e -p) || fail "modetest cannot list mkms"
echo "$res"

connector=$(echo "$res" | awk '/^Connectors:/ { f = 1; next }
	f && $3 == "connected" { print $1; exit }')
[ -n "$connector" ] || fail "no connected connector"
echo "$res" | grep -q "Virtual-1" || fail "connector Virtual-1 not listed"
echo "$res" | grep -q "1024x768" || fail "mode 1024x768 not listed"
echo "$res" | grep -q "^CRTCs:" || fail "no CRTC listed"
planes=$(echo "$res" | awk '/^Planes:/ { f = 1; next }
	f && /^[0-9]+[ \t]/ { n++ } END { print n + 0 }')
[ "$planes" -ge 2 ] || fail "want a primary and a cursor plane, got $planes"

# The plane of the given type ("1" primary, "2" cursor), from the listing.
plane_of_type()
{
	echo "$res" | awk -v want="$1" '
		/^Planes:/ { f = 1; next }
		/^Frame buffers:/ { f = 0 }
		f && /^[0-9]+[ \t]/ { id = $1 }
		f && /^[ \t]+[0-9]+ type:/ { t = 1; next }
		f && t && /value:/ { if ($2 == want) { print id; exit } t = 0 }'
}

crtc=$(echo "$res" | awk '/^CRTCs:/ { f = 1; next } f && /^[0-9]+[ \t]/ { print $1; exit }')
primary=$(plane_of_type 1)
cursor=$(plane_of_type 2)
[ -n "$crtc" ] && [ -n "$primary" ] && [ -n "$cursor" ] ||
	fail "want a CRTC, a primary and a cursor plane (got '$crtc' '$primary' '$cursor')"

# modetest flips until stdin becomes readable: hold it open for 15 s and
# let timeout end the run. It prints "freq:" once per 60 flips. Line
# buffering keeps stdout's lines when the signal ends it.
flips()	# flips NAME MODETEST-ARGS...
{
	name=$1
	shift
	out=$(sleep 15 | timeout -s INT 12 stdbuf -oL modetest -M mkms "$@" 2>&1) || true
	echo "--- $name: modetest -M mkms $*"
	echo "$out" | tail -n 8
	echo "$out" | grep -q "setting mode 1024x768" || fail "$name: mode not set"
	echo "$out" | grep -q "freq:" || fail "$name: no page flips completed"
}

if [ $background -eq 1 ]; then
	log=/tmp/modetest-background.log
	(sleep 100000 | modetest -M mkms -s "$connector@$crtc:1024x768" -v \
		>"$log" 2>&1) &
	for _ in $(seq 30); do
		grep -q "freq:" "$log" 2>/dev/null && { echo "flipping"; exit 0; }
		sleep 1
	done
	cat "$log"
	fail "background: no page flips completed"
fi

# Legacy: SETCRTC, page flips, and the cursor ioctls moving a cursor.
flips legacy -s "$connector@$crtc:1024x768" -v -C
# Atomic: the primary plane full screen and the cursor plane on top,
# page flips through atomic commits.
flips atomic -a -s "$connector@$crtc:1024x768" -P "$primary@$crtc:1024x768" \
	-P "$cursor@$crtc:64x64+100+100" -v
echo "PASS"
