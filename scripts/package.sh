#!/usr/bin/env bash
# Builds the Linux desktop package of a tokeninspector binary with the Fyne
# tool (pinned in tools/go.mod), which writes the .desktop file from
# FyneApp.toml's metadata:
#   scripts/package.sh BINARY OUTDIR       (make package)
# Writes OUTDIR/tokeninspector-VERSION-linux-ARCH/ and the same tree as
# OUTDIR/tokeninspector-VERSION-linux-ARCH.tar.xz:
#   install.sh                                     installs under PREFIX (default ~/.local)
#   usr/local/bin/tokeninspector
#   usr/local/share/applications/ID.desktop        from FyneApp.toml ([Details], [LinuxAndBSD])
#   usr/local/share/pixmaps/ID.png                 512x512, as the Fyne tool puts it
#   usr/local/share/icons/hicolor/NxN/apps/ID.png  16 to 512 px (assets/icons, scripts/icons.sh)
# The Fyne tool bumps Build in FyneApp.toml and rewrites the file; it runs on a
# copy here, so the source tree stays as it was.
set -euo pipefail
bin=${1:?usage: scripts/package.sh BINARY OUTDIR}
out=${2:?usage: scripts/package.sh BINARY OUTDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
go=${GO:-go}

field() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"\(.*\)\"/\1/p" "$root/FyneApp.toml" | head -1; }
version=$(field Version)
id=$(field ID)
name=$(field Name)
arch=$($go version -m "$bin" | awk '$1 == "build" && $2 ~ /^GOARCH=/ { sub("GOARCH=", "", $2); print $2 }')
[ -n "$version" ] && [ -n "$id" ] && [ -n "$arch" ] || { echo "package: cannot read Version/ID from FyneApp.toml or GOARCH from $bin" >&2; exit 1; }
pkg=tokeninspector-$version-linux-$arch

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/assets" "$tmp/out"
cp "$root/FyneApp.toml" "$tmp/src/"
cp "$root/assets/icon.png" "$tmp/src/assets/"
cp "$root/main.go" "$tmp/src/" # the tool wants to see Go code there, even with --executable
(cd "$root" && $go build -modfile=tools/go.mod -o "$tmp/fyne" fyne.io/tools/cmd/fyne)
(cd "$tmp/out" && "$tmp/fyne" package --target linux --executable "$bin" --src "$tmp/src" >/dev/null)

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "${out:?}/$pkg" "$out/$pkg.tar.xz"
mkdir "$out/$pkg"
tar -xJf "$tmp/out/$name.tar.xz" -C "$out/$pkg"
rm -f "$out/$pkg/Makefile" # the Fyne tool's installer; install.sh replaces it (icons, PREFIX, uninstall)
# Fyne names the window's X11 class after the app ("Token Inspector"); without
# StartupWMClass the dock and task switcher cannot tie the window to this
# launcher (its file is named after the ID) and show a generic icon.
echo "StartupWMClass=$name" >>"$out/$pkg/usr/local/share/applications/$id.desktop"
for f in "$root"/assets/icons/*.png "$root/assets/icon.png"; do
	size=$(od -An -tu1 -j18 -N2 "$f" | awk '{ print $1 * 256 + $2 }') # PNG IHDR width
	install -Dm644 "$f" "$out/$pkg/usr/local/share/icons/hicolor/${size}x${size}/apps/$id.png"
done
install -m755 "$root/scripts/install.sh" "$out/$pkg/install.sh"
XZ_OPT=-T0 tar -cJf "$out/$pkg.tar.xz" -C "$out" "$pkg"
echo "package: $out/$pkg.tar.xz ($(du -h "$out/$pkg.tar.xz" | cut -f1))"
