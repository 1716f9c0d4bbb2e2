#!/usr/bin/env bash
# Startup time and memory of the desktop app beside a bare Fyne window,
# measured in the same run under Xvfb (see docs/performance.md).
#   scripts/perf-ui.sh BINARY [RUNS]      (make perf)
# Startup: from just before exec to the window being mapped (xdotool
# search --onlyvisible, polled every 20 ms). Memory: VmRSS of the app after a
# Demo IdP login (TOKENINSPECTOR_AUTOLOGIN=1 with the stand-in browser) and
# of the bare window once it is shown; each is read 2 s after it settles.
set -euo pipefail
bin=${1:?usage: scripts/perf-ui.sh BINARY [RUNS]}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
runs=${2:-7}
. "$(dirname "$0")/xvfb.sh"
xvfb_session
# HELLO_TAGS=no_emoji builds the baseline with the app's build tags.
go build -tags "${HELLO_TAGS:-}" -o "$tmp/hello" ./ui/internal/hello

start_xvfb "$tmp/xvfb.log" || { echo "perf: Xvfb did not start" >&2; exit 1; }

# measure TITLE WAIT_AUTORUN CMD... : prints "startup_ms rss_kb"
measure() {
	local title=$1 auto=$2; shift 2
	rm -rf "$tmp/config"; mkdir -p "$tmp/config" "$tmp/run"; chmod 700 "$tmp/run"
	local t0 t1
	t0=$(date +%s%N)
	# DBUS_SESSION_BUS_ADDRESS names a bus that is not there: otherwise each start
	# autolaunches a dbus-daemon (Fyne's settings watcher) that outlives the run.
	env DISPLAY=":$d" XDG_CONFIG_HOME="$tmp/config" XDG_RUNTIME_DIR="$tmp/run" HOME="$tmp" \
		DBUS_SESSION_BUS_ADDRESS="unix:path=$tmp/no-bus" \
		TOKENINSPECTOR_PROFILES="$tmp/config/profiles.json" BROWSER="$bin demo-browser" "$@" >"$tmp/app.log" 2>&1 &
	app_pid=$!
	until DISPLAY=":$d" xdotool search --onlyvisible --name "^$title\$" >/dev/null 2>&1; do
		kill -0 "$app_pid" 2>/dev/null || { tail -3 "$tmp/app.log" >&2; echo "perf: the app exited (display :$d, Xvfb alive: $(kill -0 $xvfb_pid 2>/dev/null && echo yes || echo no)); Xvfb log:" >&2; cat "$tmp/xvfb.log" >&2; exit 1; }
		sleep 0.02
	done
	t1=$(date +%s%N)
	if [ "$auto" = 1 ]; then
		for _ in $(seq 300); do grep -q "^autorun: done" "$tmp/app.log" && break; sleep 0.1; done
		grep -q "^autorun: done" "$tmp/app.log" || { echo "perf: login did not finish" >&2; cat "$tmp/app.log" >&2; exit 1; }
	fi
	sleep 2
	local rss
	rss=$(awk '/^VmRSS/ {print $2}' "/proc/$app_pid/status")
	kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=
	echo "$(( (t1 - t0) / 1000000 )) $rss"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: >"$tmp/app.txt"; : >"$tmp/hello.txt"; : >"$tmp/login.txt"
for i in $(seq "$runs"); do
	measure Hello 0 "$tmp/hello" >>"$tmp/hello.txt"
	measure "Token Inspector" 0 "$bin" >>"$tmp/app.txt"
	measure "Token Inspector" 1 env TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_TAB=id "$bin" >>"$tmp/login.txt"
done
hs=$(cut -d' ' -f1 "$tmp/hello.txt" | median); hr=$(cut -d' ' -f2 "$tmp/hello.txt" | median)
as=$(cut -d' ' -f1 "$tmp/app.txt" | median); ar=$(cut -d' ' -f2 "$tmp/app.txt" | median)
lr=$(cut -d' ' -f2 "$tmp/login.txt" | median)
echo "runs: $runs (medians), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "startup to visible window: hello ${hs} ms, Token Inspector ${as} ms, ratio $(echo "scale=2; $as / $hs" | bc)"
echo "resident memory: hello ${hr} kB (idle), Token Inspector ${ar} kB (idle), ${lr} kB after a Demo IdP login; ratio after login $(echo "scale=2; $lr / $hr" | bc)"
echo "raw (startup_ms rss_kb): hello [$(tr '\n' ';' <"$tmp/hello.txt")] app [$(tr '\n' ';' <"$tmp/app.txt")] login [$(tr '\n' ';' <"$tmp/login.txt")]"
