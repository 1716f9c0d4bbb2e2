#!/usr/bin/env bash
# HAR analysis and sanitising at scale: time and peak resident memory of the
# CLI on generated Chrome HARs (see docs/performance.md, "HAR files").
#   scripts/perf-har.sh [BINARY]
# Writes a 50 MB / 2,000-entry and a 300 MB / 20,000-entry HAR to a temp
# directory, then runs "tokeninspector har --json" and "har sanitize" on each
# under /usr/bin/time.
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=${1:-}
if [ -z "$bin" ]; then
	bin=$tmp/tokeninspector
	go build -tags nogui -o "$bin" .
fi
for spec in 50:2000 300:20000; do
	mb=${spec%%:*} n=${spec##*:}
	har=$tmp/big-$mb.har
	go test ./flowtrace -run '^TestWriteBigHAR$' -count 1 -args -bighar="$har" -bighar.mb="$mb" -bighar.entries="$n" >/dev/null
	size=$(stat -c %s "$har")
	echo "== $((size / 1048576)) MB, $n entries"
	for cmd in "har --json $har" "har sanitize $har -o $tmp/clean.har"; do
		/usr/bin/time -f "%e s, peak RSS %M KB" "$bin" $cmd >/dev/null 2>"$tmp/time" || true
		printf '%-14s %s\n' "${cmd%% /*}" "$(tail -1 "$tmp/time")"
	done
done
