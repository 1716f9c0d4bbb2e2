#!/usr/bin/env bash
# Cross-builds the command-line-only tokeninspector (-tags nogui: no Fyne, no
# cgo, no Demo IdP) as static binaries and prints their sizes:
#   scripts/build-cli.sh OUTDIR        (make cli)
# Writes OUTDIR/tokeninspector-cli-VERSION-OS-ARCH[.exe] for each target below.
set -euo pipefail
out=${1:?usage: scripts/build-cli.sh OUTDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
go=${GO:-go}
targets=${CLI_TARGETS:-linux/amd64 linux/arm64 darwin/arm64 windows/amd64}
version=$(sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\(.*\)"/\1/p' "$root/FyneApp.toml" | head -1)
mkdir -p "$out"
for t in $targets; do
	os=${t%/*} arch=${t#*/}
	exe=$out/tokeninspector-cli-$version-$os-$arch
	[ "$os" = windows ] && exe=$exe.exe
	# -trimpath: no build paths in the binary; -buildvcs=auto: stamp the
	# revision (--version) when built from a git checkout.
	(cd "$root" && CGO_ENABLED=0 GOOS=$os GOARCH=$arch $go build -tags nogui -trimpath -buildvcs=auto \
		-ldflags "-s -w" -o "$exe" .)
	printf 'cli: %-52s %6.1f MB\n' "$(basename "$exe")" "$(awk -v b="$(stat -c %s "$exe")" 'BEGIN { print b / 1048576 }')"
done
