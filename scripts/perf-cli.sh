#!/usr/bin/env bash
# Start-up of "tokeninspector inspect" beside lestrrat-go/jwx's CLI
# ("jwx jws verify"), same RS256 token and JWKS, side by side in one run:
#   JWX=/path/to/jwx scripts/perf-cli.sh BINARY...
# e.g. JWX=/tmp/jwx scripts/perf-cli.sh bin/cli/tokeninspector-cli-*-linux-amd64 bin/release/tokeninspector
# How to build jwx's CLI (never committed): docs/performance.md. The key,
# token and JWKS are made with jwx itself. Uses hyperfine (apt-get install
# hyperfine) for whole-process time; prints size, peak RSS (GNU time) and the
# package-initialisation total (GODEBUG=inittrace=1) of each.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: JWX=path scripts/perf-cli.sh BINARY..." >&2; exit 2; }
jwx=${JWX:?set JWX to a jwx CLI binary (docs/performance.md says how to build one)}
command -v hyperfine >/dev/null || { echo "perf-cli: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$jwx" jwk generate -t RSA --template '{"kid":"k1","alg":"RS256","use":"sig"}' >"$tmp/key.jwk"
"$jwx" jwk fmt --public-key --set "$tmp/key.jwk" >"$tmp/jwks.json"
now=$(date +%s)
printf '{"iss":"https://issuer.example","sub":"alice","aud":"api","iat":%d,"nbf":%d,"exp":%d}' \
	"$now" "$now" $((now + 86400)) >"$tmp/payload.json"
"$jwx" jws sign --alg RS256 --key "$tmp/key.jwk" --header '{"typ":"JWT","kid":"k1"}' "$tmp/payload.json" >"$tmp/token.jwt"
token=$(cat "$tmp/token.jwt")

cmds=("$jwx jws verify --match-kid --key $tmp/jwks.json $tmp/token.jwt")
for b in "$@"; do
	"$b" inspect --jwks "$tmp/jwks.json" "$token" >/dev/null || { echo "perf-cli: $b inspect failed" >&2; exit 1; }
	cmds+=("$b inspect --jwks $tmp/jwks.json $token")
done
for c in "${cmds[@]}"; do
	read -r exe _ <<<"$c"
	rss=$( { /usr/bin/time -f %M $c >/dev/null; } 2>&1 | tail -1)
	init=$(GODEBUG=inittrace=1 $c 2>&1 >/dev/null | awk '/^init / { ms += $5; n++ } END { printf "%.2f ms in %d packages", ms, n }')
	printf 'perf-cli: %-40s %6.1f MB, peak RSS %5.1f MB, package init %s\n' "$(basename "$exe")" \
		"$(awk -v b="$(stat -c %s "$exe")" 'BEGIN { print b / 1048576 }')" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$init"
done
hyperfine -N --warmup 20 --runs "${RUNS:-300}" --export-json "$tmp/runs.json" "${cmds[@]}"
# Medians and minima: on a shared machine the mean follows the neighbours' load.
if command -v jq >/dev/null; then
	jq -r '.results[] | "perf-cli: median \(.median * 1000 | . * 100 | round / 100) ms, min \(.min * 1000 | . * 100 | round / 100) ms: \(.command | split(" ")[0:2] | join(" "))"' "$tmp/runs.json"
fi
