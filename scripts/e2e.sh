#!/usr/bin/env bash
# End-to-end test of the real binary under Xvfb: it logs in to the Demo IdP
# (stand-in browser: BINARY demo-browser), refreshes, introspects the
# refresh token on its tab, revokes, and checks what the window shows after
# each step, from the state the app appends to TOKENINSPECTOR_STATE (one JSON
# line per step; see docs/app.md). Then it quits with Ctrl+Q and fails on a
# data race or a non-zero exit.
#   scripts/e2e.sh BINARY        (make smoke, with the -race binary; part of make test)
# Needs Xvfb, xdotool and jq (scripts/deps.sh test); where Xvfb cannot run
# (not Linux) it prints a visible SKIP and exits 0.
set -euo pipefail
bin=${1:?usage: scripts/e2e.sh BINARY}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

if [ "$(uname -s)" != Linux ]; then
	echo "======================================================================"
	echo "SKIP e2e test: Xvfb is Linux-only"
	echo "======================================================================"
	exit 0
fi
for c in Xvfb xdotool jq; do
	command -v "$c" >/dev/null || { echo "e2e: FAIL: $c is missing (run scripts/deps.sh test)" >&2; exit 1; }
done

. "$(dirname "$0")/xvfb.sh"
xvfb_session

start_xvfb "$tmp/xvfb.log" || { echo "e2e: FAIL: Xvfb did not start" >&2; exit 1; }

fail() {
	echo "e2e: FAIL: $*" >&2
	echo "--- window states:" >&2
	cat "$tmp/state.jsonl" >&2 2>/dev/null || true
	echo "--- the app's output:" >&2
	cat "$tmp/app.log" >&2
	exit 1
}

mkdir -p "$tmp/config" "$tmp/run" "$tmp/.cache"
chmod 700 "$tmp/run"
# DBUS_SESSION_BUS_ADDRESS names a bus that is not there: no dbus-daemon
# outlives the run (Fyne's settings watcher would autolaunch one).
env DISPLAY=":$d" XDG_CONFIG_HOME="$tmp/config" XDG_RUNTIME_DIR="$tmp/run" HOME="$tmp" \
	DBUS_SESSION_BUS_ADDRESS="unix:path=$tmp/no-bus" \
	TOKENINSPECTOR_PROFILES="$tmp/config/profiles.json" BROWSER="$bin demo-browser" \
	TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_AUTORUN=refresh,refresh:introspect,access:revoke \
	TOKENINSPECTOR_STATE="$tmp/state.jsonl" \
	"$bin" >"$tmp/app.log" 2>&1 &
app_pid=$!

for _ in $(seq 1200); do # up to 120 s: a -race binary on a loaded machine
	grep -q "^autorun: " "$tmp/app.log" && break
	kill -0 "$app_pid" 2>/dev/null || break
	sleep 0.1
done
grep -q "^autorun: done" "$tmp/app.log" || fail "the steps did not finish"

# check STEP DESCRIPTION JQ-FILTER: the state after STEP must satisfy the filter.
check() {
	local step=$1 what=$2 filter=$3
	jq -e -s --arg step "$step" "map(select(.step == \$step)) | length == 1 and (.[0] | $filter)" "$tmp/state.jsonl" >/dev/null ||
		fail "after $step: $what"
	echo "e2e: $step: $what"
}
check login "both tokens verified, logged in, Refresh available" \
	'(.tokens.access.badge | startswith("Verified")) and (.tokens.id.badge | startswith("Verified"))
	 and (.status | startswith("Logged in")) and .error == null and .actions.refresh.enabled'
check refresh "refreshed, Changes shown, new tokens verified" \
	'(.status | startswith("Refreshed")) and .tab == "Changes" and (.tokens.access.badge | startswith("Verified"))'
check refresh:introspect "the refresh token introspected on its tab: active" \
	'.tab == "Refresh token" and (.status | test("refresh token")) and .tokens.refresh.server == "active"
	 and .actions.introspect.label == "Introspect refresh token"'
check access:revoke "both tokens revoked, each reported; Refresh no longer offered" \
	'(.status | test("access token revoked"; "i")) and (.status | test("refresh token revoked"))
	 and (.actions.refresh.enabled | not) and .tokens.refresh.server == "revoked" and (.tokens.access.badge | test("REVOKED"))'

wid=$(DISPLAY=":$d" xdotool search --onlyvisible --name '^Token Inspector$' 2>/dev/null | head -1 || true)
[ -n "$wid" ] || fail "no visible \"Token Inspector\" window"
quit_app "$app_pid" || fail "the app did not quit within 20 s of Ctrl+Q"
status=0
wait "$app_pid" || status=$?
app_pid=
grep -q "WARNING: DATA RACE" "$tmp/app.log" && fail "the race detector reported a data race"
[ "$status" -eq 0 ] || fail "the app exited with status $status"
echo "e2e: OK (login, refresh, introspect the refresh token, revoke: the window showed each outcome)"
