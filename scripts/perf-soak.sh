#!/usr/bin/env bash
# Memory and goroutines over many auto-refresh cycles of the real binary
# against the Demo IdP (see docs/performance.md).
#   scripts/perf-soak.sh BINARY [CYCLES]      (make perf-soak; default 500)
# The app logs in to the Demo IdP with short token lifetimes
# (TOKENINSPECTOR_DEMO_LIFETIME, default SOAK_LIFETIME=4s), turns auto-refresh
# on with a lead of SOAK_LEAD (default 3s: a refresh is due 1 s after the
# tokens are issued, so about one cycle a second, as auto-refresh paces
# itself, only faster) and ticks every 50 ms (TOKENINSPECTOR_TICK).
# TOKENINSPECTOR_METRICS=1 makes it print "metrics: cycle N goroutines G
# heap_inuse_kb H" after each refresh; the script reads VmRSS from /proc when
# cycles 10 and CYCLES are reported. SOAK_TAB=profile keeps another tab in
# view. SOAK_LIFETIME=30s SOAK_LEAD=30s makes every tick due: the cycles then
# follow each other as fast as the refresh grant runs (20-25 a second), a
# stress run that also measures what Fyne keeps for a minute per redraw.
set -euo pipefail
bin=${1:?usage: scripts/perf-soak.sh BINARY [CYCLES]}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
cycles=${2:-500}
. "$(dirname "$0")/xvfb.sh"
xvfb_session
start_xvfb "$tmp/xvfb.log" || { echo "perf-soak: Xvfb did not start" >&2; exit 1; }

mkdir -p "$tmp/config" "$tmp/run"; chmod 700 "$tmp/run"
env DISPLAY=":$d" XDG_CONFIG_HOME="$tmp/config" XDG_RUNTIME_DIR="$tmp/run" HOME="$tmp" \
	DBUS_SESSION_BUS_ADDRESS="unix:path=$tmp/no-bus" TOKENINSPECTOR_PROFILES="$tmp/config/profiles.json" \
	BROWSER="$bin demo-browser" TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_TAB="${SOAK_TAB:-access}" \
	TOKENINSPECTOR_DEMO_LIFETIME="${SOAK_LIFETIME:-4s}" TOKENINSPECTOR_AUTOREFRESH="${SOAK_LEAD:-3s}" TOKENINSPECTOR_TICK=50ms TOKENINSPECTOR_METRICS=1 \
	"$bin" >"$tmp/app.log" 2>&1 &
app_pid=$!

# at N: waits for cycle N, prints "rss_kb goroutines heap_kb seconds"
t0=$(date +%s%N)
at() {
	local line
	until line=$(grep -m1 "^metrics: cycle $1 " "$tmp/app.log"); do
		grep -q "^metrics: failed\|^autorun: failed" "$tmp/app.log" && { echo "perf-soak: a refresh failed:" >&2; grep "failed" "$tmp/app.log" >&2; exit 1; }
		kill -0 "$app_pid" 2>/dev/null || { echo "perf-soak: the app exited" >&2; tail "$tmp/app.log" >&2; exit 1; }
		sleep 0.02
	done
	local rss
	rss=$(awk '/^VmRSS/ {print $2}' "/proc/$app_pid/status")
	echo "$rss $(echo "$line" | awk '{print $5, $7}') $(( ($(date +%s%N) - t0) / 1000000000 ))"
}
echo "cycle rss_kb goroutines heap_inuse_kb seconds"
for c in 10 $(seq 50 50 "$cycles"); do
	[ "$c" -le "$cycles" ] || continue
	read -r r g h s < <(at "$c")
	echo "$c $r $g $h $s"
	[ "$c" = 10 ] && { r10=$r; g10=$g; }
	rN=$r gN=$g sN=$s
done
echo "auto-refresh cycles against the Demo IdP: $cycles in ${sN} s ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "RSS after cycle 10: ${r10} kB, after cycle $cycles: ${rN} kB, ratio $(echo "scale=3; $rN / $r10" | bc) (target <= 1.1)"
echo "goroutines after cycle 10: $g10, after cycle $cycles: $gN (target: no growth)"
