#!/usr/bin/env bash
# Screenshots of the main screens, taken from the real app under Xvfb after a
# login against the embedded Demo IdP with a stand-in browser
# (BROWSER="BINARY demo-browser"). Writes docs/screenshots/*.png.
#   scripts/screenshots.sh BINARY [NAME...] (make screenshots; NAMEs: only those)
# WINDOW=WxH resizes the window before each capture (XVFB_SCREEN=WxHx24 for a
# larger screen), to look at a screen at another size.
# Needs Xvfb, xdotool and ImageMagick's import (scripts/deps.sh screenshots).
set -euo pipefail
bin=${1:?usage: scripts/screenshots.sh BINARY}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
shift
only=("$@")
out=${OUT:-docs/screenshots}
mkdir -p "$out"
for c in Xvfb xdotool import; do
	command -v "$c" >/dev/null || { echo "screenshots: $c is missing (run scripts/deps.sh screenshots)" >&2; exit 1; }
done

. "$(dirname "$0")/xvfb.sh"
xvfb_session

XVFB_SCREEN=${XVFB_SCREEN:-1600x1000x24} start_xvfb "$tmp/xvfb.log" || { echo "screenshots: Xvfb did not start" >&2; exit 1; }

# shot NAME VAR=VALUE... : start the app with the variables, wait for the
# automation to finish, capture the window, quit.
shot() {
	local name=$1; shift
	if [ ${#only[@]} -gt 0 ] && [[ " ${only[*]} " != *" $name "* ]]; then return; fi
	rm -rf "$tmp/config"; mkdir -p "$tmp/config" "$tmp/run"; chmod 700 "$tmp/run"
	# DBUS_SESSION_BUS_ADDRESS names a bus that is not there: otherwise each start
	# autolaunches a dbus-daemon (Fyne's settings watcher) that outlives the run.
	env DISPLAY=":$d" XDG_CONFIG_HOME="$tmp/config" XDG_RUNTIME_DIR="$tmp/run" HOME="$tmp" \
		DBUS_SESSION_BUS_ADDRESS="unix:path=$tmp/no-bus" \
		TOKENINSPECTOR_PROFILES="$tmp/config/profiles.json" BROWSER="$bin demo-browser" "$@" \
		"$bin" >"$tmp/app.log" 2>&1 &
	app_pid=$!
	local ok=
	for _ in $(seq 300); do
		if grep -q "^autorun: " "$tmp/app.log"; then ok=1; break; fi
		kill -0 "$app_pid" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$ok" ] || grep -q "^autorun: failed" "$tmp/app.log"; then
		echo "screenshots: $name: the automation did not finish:" >&2; cat "$tmp/app.log" >&2; exit 1
	fi
	sleep "${SHOT_WAIT:-0.7}" # let the last frame paint (and, for some shots, time pass)
	local wid
	wid=$(DISPLAY=":$d" xdotool search --onlyvisible --name '^Token Inspector$' | head -1)
	if [ -n "${WINDOW:-}" ]; then
		DISPLAY=":$d" xdotool windowsize "$wid" "${WINDOW%x*}" "${WINDOW#*x}"
		sleep 1
	fi
	DISPLAY=":$d" import -window "$wid" "$out/$name.png"
	kill "$app_pid" 2>/dev/null || true
	wait "$app_pid" 2>/dev/null || true
	app_pid=
	echo "screenshots: $out/$name.png"
}

# Most shots at 1400x900; the *-900x600 ones check the smallest supported window.
big=TOKENINSPECTOR_SIZE=1400x900 small=TOKENINSPECTOR_SIZE=900x600
shot id-token          $big TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_TAB=id
shot access-token      $big TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_AUTORUN=revoke TOKENINSPECTOR_TAB=access
shot refresh-token     $big TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_AUTORUN=refresh:introspect
shot changes           $big TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_AUTORUN=refresh TOKENINSPECTOR_TAB=changes
shot responses         $big TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_AUTORUN=introspect,userinfo TOKENINSPECTOR_TAB=responses TOKENINSPECTOR_RESPONSE=compare
shot transcript        $big TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_AUTORUN=introspect,userinfo TOKENINSPECTOR_TAB=transcript
shot pasted            $big TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_AUTORUN=paste TOKENINSPECTOR_TAB=pasted
# A Keycloak refresh token (HS512, the realm's internal key): the provider chip and its diagnosis.
kc_refresh=eyJhbGciOiJIUzUxMiIsInR5cCIgOiAiSldUIiwia2lkIiA6ICI1YzZhN2Y0ZS05MWM2LTRjNTUtYjRhMi0zYThmMGUyZDFiN2MifQ.eyJleHAiOjE5MjQ5OTIwMDAsImlhdCI6MTc2NzIyNTYwMCwianRpIjoiNmYwZTBhM2MtMWQyYi00YzVkLTllOGYtMGExYjJjM2Q0ZTVmIiwiaXNzIjoiaHR0cHM6Ly9zc28uZXhhbXBsZS5vcmcvcmVhbG1zL3Nob3AiLCJhdWQiOiJodHRwczovL3Nzby5leGFtcGxlLm9yZy9yZWFsbXMvc2hvcCIsInN1YiI6ImY3YTFjMmQzLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwYWJjZCIsInR5cCI6IlJlZnJlc2giLCJhenAiOiJ3ZWItYXBwIiwic2lkIjoiMWIyYzNkNGUtNWY2MC00NzE4LTlhMGItMWMyZDNlNGY1YTZiIiwic2NvcGUiOiJvcGVuaWQgcHJvZmlsZSBlbWFpbCJ9.CQmNL94jX8TjDnV_61KZtjflS7_lxIc2RybObo13FbnY_tA8CAOkVGWvzvQkuEhGKPEXTZCI3jHt8wIKZaWMSg
shot provider          $big TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_AUTORUN=paste TOKENINSPECTOR_PASTE="$kc_refresh" TOKENINSPECTOR_TAB=pasted
shot provider-900x600  $small TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_AUTORUN=paste TOKENINSPECTOR_PASTE="$kc_refresh" TOKENINSPECTOR_TAB=pasted
shot flaw-expired      $big TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_DEMO_FLAW=expired TOKENINSPECTOR_TAB=id
shot flaw-audience     $big TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_DEMO_FLAW=wrong-audience TOKENINSPECTOR_TAB=id
shot refused-introspection $big TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_DEMO_SELF_CONTAINED=1 TOKENINSPECTOR_AUTORUN='introspect!' TOKENINSPECTOR_TAB=access
shot demo-controls     $big TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_TAB=profile
shot access-900x600    $small TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_AUTORUN=introspect TOKENINSPECTOR_TAB=access
shot expired-900x600   $small TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_DEMO_FLAW=expired TOKENINSPECTOR_TAB=id
shot pasted-900x600    $small TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_AUTORUN=paste TOKENINSPECTOR_TAB=pasted
shot refused-900x600   $small TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_DEMO_SELF_CONTAINED=1 TOKENINSPECTOR_AUTORUN='introspect!' TOKENINSPECTOR_TAB=access
shot refresh-900x600   $small TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_AUTORUN=refresh:introspect
# PAR and DPoP required by the Demo IdP (with server nonces), used by the profile: the binding verdict, the
# transcript (the pushed request, use_dpop_nonce and the retry), the More menu, the token exchange dialog.
modern=TOKENINSPECTOR_DEMO_PROTOCOL=par,dpop,require-par,dpop-nonce
shot dpop-access       $big TOKENINSPECTOR_AUTOLOGIN=1 $modern TOKENINSPECTOR_AUTORUN=userinfo TOKENINSPECTOR_TAB=access
shot dpop-900x600      $small TOKENINSPECTOR_AUTOLOGIN=1 $modern TOKENINSPECTOR_AUTORUN=userinfo TOKENINSPECTOR_TAB=access
shot dpop-transcript   $big TOKENINSPECTOR_AUTOLOGIN=1 $modern TOKENINSPECTOR_AUTORUN=userinfo TOKENINSPECTOR_TAB=transcript
shot more-menu         $big TOKENINSPECTOR_AUTOLOGIN=1 $modern TOKENINSPECTOR_TAB=access TOKENINSPECTOR_AUTORUN=more
shot token-exchange    $big TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_TAB=access TOKENINSPECTOR_AUTORUN=exchange
shot flow              $big TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_AUTORUN=userinfo TOKENINSPECTOR_TAB=flow TOKENINSPECTOR_FLOW_STEP=token
shot flow-har-failing  $big TOKENINSPECTOR_HAR="$PWD/flowtrace/testdata/demo-failing-login.har" TOKENINSPECTOR_FLOW_STEP=error
# Keys tab and the lifetimes strip (auto-refresh every 3 s on 30 s tokens), at 1400x900 and at 900x600.
shot keys              $big TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_TAB=keys
shot keys-900x600      $small TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_TAB=keys
SHOT_WAIT=8 shot lifetimes $big TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_TAB=changes TOKENINSPECTOR_DEMO_LIFETIME=30s TOKENINSPECTOR_AUTOREFRESH=27s
SHOT_WAIT=8 shot lifetimes-900x600 $small TOKENINSPECTOR_AUTOLOGIN=1 TOKENINSPECTOR_TAB=changes TOKENINSPECTOR_DEMO_LIFETIME=30s TOKENINSPECTOR_AUTOREFRESH=27s
