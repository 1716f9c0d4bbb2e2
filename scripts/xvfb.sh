# Sourced by smoke.sh, screenshots.sh and perf-ui.sh.
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
