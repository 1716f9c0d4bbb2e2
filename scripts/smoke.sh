#!/usr/bin/env bash
# Smoke test: starts the real binary under Xvfb with a throw-away config
# directory, waits for the "Token Inspector" window, closes it, and fails if
# the window never appears or the app does not exit cleanly. First it starts
# the binary without a display (no DISPLAY/WAYLAND_DISPLAY, then a DISPLAY
# nobody serves) and expects one line on stderr and exit status 1.
#   scripts/smoke.sh BINARY        (make smoke; part of make test)
# Installs xvfb and xdotool with apt-get when missing (sudo when not root).
# Where that cannot run (not Linux, not Debian/Ubuntu), it prints a visible
# SKIP and exits 0.
set -euo pipefail
bin=${1:?usage: scripts/smoke.sh BINARY}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

skip() {
	echo "======================================================================"
	echo "SKIP smoke test: $*"
	echo "======================================================================"
	exit 0
}
[ "$(uname -s)" = Linux ] || skip "Xvfb is Linux-only; start $bin by hand to check the window"
need=()
command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)
command -v xdotool >/dev/null 2>&1 || need+=(xdotool)
if [ ${#need[@]} -gt 0 ]; then
	command -v apt-get >/dev/null 2>&1 || skip "missing ${need[*]} and this is not Debian/Ubuntu"
	sudo=()
	[ "$(id -u)" -eq 0 ] || sudo=(sudo)
	echo "smoke: installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -qq
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

. "$(dirname "$0")/xvfb.sh"
xvfb_session

mkdir -p "$tmp/config" "$tmp/run" "$tmp/.cache"
chmod 700 "$tmp/run"

# no_display NAME WANT ENV...: runs the binary with ENV and no display;
# it must exit 1 with exactly one line on stderr, containing WANT.
no_display() {
	local name=$1 want=$2 status=0
	shift 2
	env -u DISPLAY -u WAYLAND_DISPLAY HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" XDG_RUNTIME_DIR="$tmp/run" "$@" \
		"$bin" >"$tmp/nodisplay.out" 2>"$tmp/nodisplay.err" </dev/null || status=$?
	if [ "$status" -ne 1 ] || [ "$(wc -l <"$tmp/nodisplay.err")" -ne 1 ] || [ -s "$tmp/nodisplay.out" ] ||
		! grep -q "$want" "$tmp/nodisplay.err" || ! grep -q "tokeninspector --help" "$tmp/nodisplay.err"; then
		echo "smoke: FAIL: $name: want exit status 1 and one line saying \"$want\" on stderr; got status $status and:" >&2
		cat "$tmp/nodisplay.out" "$tmp/nodisplay.err" >&2
		exit 1
	fi
	echo "smoke: $name: $(cat "$tmp/nodisplay.err")"
}
no_display "no display" "no display found"
unserved=99
while [ -e "/tmp/.X11-unix/X$unserved" ] || [ -e "/tmp/.X$unserved-lock" ]; do unserved=$((unserved + 1)); done
no_display "a display nobody serves" "cannot open the display" DISPLAY=":$unserved"

start_xvfb "$tmp/xvfb.log" || { echo "smoke: FAIL: Xvfb did not start" >&2; exit 1; }

# A private session bus for the app, gone when it exits: without one, Fyne's
# settings watcher autolaunches a dbus-daemon that outlives the test.
bus=
command -v dbus-run-session >/dev/null 2>&1 && bus="dbus-run-session --"
start=$(date +%s.%N)
DISPLAY=":$d" XDG_CONFIG_HOME="$tmp/config" XDG_RUNTIME_DIR="$tmp/run" HOME="$tmp" \
	TOKENINSPECTOR_PROFILES="$tmp/config/profiles.json" \
	$bus "$bin" >"$tmp/app.log" 2>&1 &
app_pid=$!

wid=
for _ in $(seq 600); do # up to 60 s: a -race binary starts slowly on a loaded machine
	wid=$(DISPLAY=":$d" xdotool search --onlyvisible --name '^Token Inspector$' 2>/dev/null | head -1 || true)
	[ -n "$wid" ] && break
	kill -0 "$app_pid" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$wid" ]; then
	echo "smoke: FAIL: no visible \"Token Inspector\" window; the app's output:" >&2
	cat "$tmp/app.log" >&2
	exit 1
fi
echo "smoke: window $wid visible after $(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo '?') s"
# WM_CLASS=NAME (the release checks: the launcher's StartupWMClass): the
# window's X11 class must be NAME, or the dock cannot tie it to its launcher.
if [ -n "${WM_CLASS:-}" ]; then
	class=$(DISPLAY=":$d" xprop -id "$wid" WM_CLASS 2>/dev/null || true)
	case $class in
	*"\"$WM_CLASS\""*) echo "smoke: the window's class is \"$WM_CLASS\", as its launcher says" ;;
	*) echo "smoke: FAIL: the window's class is not \"$WM_CLASS\": $class" >&2; exit 1 ;;
	esac
fi

if ! quit_app "$app_pid"; then
	echo "smoke: FAIL: the app did not quit within 20 s of Ctrl+Q" >&2
	cat "$tmp/app.log" >&2
	exit 1
fi
status=0
wait "$app_pid" || status=$?
app_pid=
if grep -q "WARNING: DATA RACE" "$tmp/app.log"; then
	echo "smoke: FAIL: the race detector reported a data race:" >&2
	cat "$tmp/app.log" >&2
	exit 1
fi
if [ "$status" -ne 0 ]; then
	echo "smoke: FAIL: the app exited with status $status:" >&2
	cat "$tmp/app.log" >&2
	exit 1
fi
echo "smoke: OK (the window appeared and the app quit cleanly)"
