# Sourced by smoke.sh, e2e.sh, screenshots.sh, perf-ui.sh and perf-soak.sh.

# xvfb_session: makes the work folder tmp and, on exit, stops the app
# (app_pid; killed outright when it does not end within 5 s, so an app whose
# display is gone cannot hang a test), Xvfb (xvfb_pid), and removes tmp
# (kept, and named, when KEEP is set).
xvfb_session() {
	tmp=$(mktemp -d)
	xvfb_pid= app_pid=
	trap cleanup_xvfb EXIT
}

cleanup_xvfb() {
	if [ -n "$app_pid" ]; then
		kill "$app_pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$app_pid" 2>/dev/null || true
	fi
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	[ -n "${KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}

# start_xvfb LOG: starts Xvfb (1280x800x24, or $XVFB_SCREEN) on a free display that Xvfb picks
# itself (-displayfd, so parallel runs never collide), with -noreset (by
# default the server resets each time its last client disconnects, and a
# client connecting during a reset is dropped: "unable to open display" in
# about 1 of 30 starts after an xdotool call), waits until it
# answers, and sets d (the display number) and xvfb_pid. Returns 1, with
# Xvfb's log on stderr, when it does not start.
start_xvfb() {
	local log=$1 dfile
	dfile=$(mktemp)
	Xvfb -displayfd 3 -noreset -screen 0 "${XVFB_SCREEN:-1280x800x24}" -nolisten tcp 3>"$dfile" >"$log" 2>&1 &
	xvfb_pid=$!
	d=
	for _ in $(seq 100); do
		d=$(cat "$dfile" 2>/dev/null || true)
		[ -n "$d" ] && DISPLAY=":$d" xdotool getdisplaygeometry >/dev/null 2>&1 && break
		d=
		kill -0 "$xvfb_pid" 2>/dev/null || break
		sleep 0.1
	done
	rm -f "$dfile"
	[ -n "$d" ] || { cat "$log" >&2; return 1; }
}

# quit_app PID: closes the "Token Inspector" window on display $d the way a
# user would, with Ctrl+Q (there is no window manager to send
# WM_DELETE_WINDOW), retrying while the window settles; returns 1 when the
# app is still running 20 s later.
quit_app() {
	local pid=$1 wid
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		wid=$(DISPLAY=":$d" xdotool search --onlyvisible --name '^Token Inspector$' 2>/dev/null | head -1 || true)
		if [ -n "$wid" ]; then
			DISPLAY=":$d" xdotool windowfocus "$wid" >/dev/null 2>&1 || true
			DISPLAY=":$d" xdotool key ctrl+q >/dev/null 2>&1 || true
		fi
		sleep 0.2
	done
	! kill -0 "$pid" 2>/dev/null
}
