#!/usr/bin/env bash
# Release checks (make release, part of make test): the desktop package
# installs, starts and uninstalls; the command-line-only binaries are static
# and leave the GUI and the Demo IdP out.
#   scripts/release-check.sh PKGDIR CLIDIR
# PKGDIR holds tokeninspector-VERSION-linux-ARCH.tar.xz (scripts/package.sh),
# CLIDIR the binaries of scripts/build-cli.sh. Steps:
#   1. extract the archive; desktop-file-validate its .desktop file
#   2. install.sh into a temporary PREFIX; the binary, the .desktop file (valid,
#      Exec naming the installed binary) and every icon size must be there
#   3. start the installed binary under Xvfb from an empty folder (no source
#      tree around): scripts/smoke.sh, which also checks the no-display line
#   4. install.sh --uninstall leaves nothing behind
#   5. the CLI binaries: all four targets, sizes, no cgo, no Fyne, no fosite;
#      this machine's one runs, and without arguments says it has no GUI
set -euo pipefail
pkgdir=${1:?usage: scripts/release-check.sh PKGDIR CLIDIR}
clidir=${2:?usage: scripts/release-check.sh PKGDIR CLIDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
go=${GO:-go}
fail() { echo "release: FAIL: $*" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. The archive.
archives=("$pkgdir"/tokeninspector-*-linux-*.tar.xz)
[ ${#archives[@]} -eq 1 ] && [ -f "${archives[0]}" ] || fail "want one package archive in $pkgdir, found: ${archives[*]}"
tar -xJf "${archives[0]}" -C "$tmp"
tree=$(echo "$tmp"/tokeninspector-*)
desktop=$(echo "$tree"/usr/local/share/applications/*.desktop)
[ -f "$desktop" ] || fail "no .desktop file in ${archives[0]}"
id=$(basename "$desktop" .desktop)
desktop-file-validate "$desktop" || fail "desktop-file-validate rejects $(basename "$desktop") in the archive"
echo "release: ${archives[0]##*/}: $(du -h "${archives[0]}" | cut -f1), $id.desktop valid"

# 2. Install into a temporary prefix.
prefix=$tmp/prefix
mkdir -p "$tmp/home" "$tmp/empty"
PREFIX=$prefix HOME=$tmp/home "$tree/install.sh" >/dev/null
exe=$prefix/bin/tokeninspector
[ -x "$exe" ] || fail "install.sh did not install $exe"
installed=$prefix/share/applications/$id.desktop
[ -f "$installed" ] || fail "install.sh did not install $installed"
desktop-file-validate "$installed" || fail "desktop-file-validate rejects the installed $id.desktop"
grep -qx "Exec=$exe" "$installed" || fail "the installed $id.desktop does not start $exe: $(grep '^Exec=' "$installed")"
grep -qx "Icon=$id" "$installed" || fail "the installed $id.desktop names no icon $id"
grep -q "^StartupWMClass=." "$installed" || fail "the installed $id.desktop has no StartupWMClass (the dock would not tie the window to it)"
for n in 16 22 24 32 48 64 128 256 512; do
	icon=$prefix/share/icons/hicolor/${n}x$n/apps/$id.png
	[ -f "$icon" ] || fail "no ${n}x$n icon: $icon"
	size=$(od -An -tu1 -j16 -N8 "$icon" | awk '{ printf "%dx%d", $3 * 256 + $4, $7 * 256 + $8 }')
	[ "$size" = "${n}x$n" ] || fail "$icon is $size, want ${n}x$n"
done
echo "release: installed under a temporary PREFIX: binary, $id.desktop (valid), icons 16 to 512 px"

# 3. Start the installed binary with no source tree around.
wmclass=$(sed -n 's/^StartupWMClass=//p' "$installed")
(cd "$tmp/empty" && WM_CLASS=$wmclass "$root/scripts/smoke.sh" "$exe") || fail "the installed binary did not start (above)"

# 4. Uninstall.
PREFIX=$prefix HOME=$tmp/home "$tree/install.sh" --uninstall >/dev/null
# (mimeinfo.cache and icon-theme.cache are the desktop's shared caches, refreshed, not ours)
left=$(find "$prefix" -type f ! -name mimeinfo.cache ! -name icon-theme.cache)
[ -z "$left" ] || fail "install.sh --uninstall left files behind: $left"
echo "release: uninstall removed every installed file"

# 5. The command-line-only binaries.
for t in linux-amd64 linux-arm64 darwin-arm64 windows-amd64.exe; do
	f=$(echo "$clidir"/tokeninspector-cli-*-"$t")
	[ -f "$f" ] || fail "no CLI binary for $t in $clidir"
	info=$($go version -m "$f")
	grep -q 'CGO_ENABLED=0' <<<"$info" || fail "$f was built with cgo"
	grep -q -- '-tags=nogui' <<<"$info" || fail "$f was not built with -tags nogui"
	! grep -qE 'dep[[:space:]]+(fyne\.io/|github\.com/ory/fosite)' <<<"$info" || fail "$f links Fyne or fosite"
	printf 'release: %-48s %6.1f MB, static, no GUI, no Demo IdP\n' "$(basename "$f")" "$(awk -v b="$(stat -c %s "$f")" 'BEGIN { print b / 1048576 }')"
done
host=$(echo "$clidir"/tokeninspector-cli-*-"$($go env GOOS)-$($go env GOARCH)")
status=0
"$host" >/dev/null 2>"$tmp/noargs" </dev/null || status=$?
[ "$status" -eq 2 ] && grep -q "This build has no GUI" "$tmp/noargs" && grep -q "^  inspect " "$tmp/noargs" ||
	fail "$(basename "$host") without arguments: status $status, want 2 with the usage and 'This build has no GUI': $(cat "$tmp/noargs")"
"$host" --version | grep -q "command-line only" || fail "$(basename "$host") --version does not say it is the command-line-only build"
echo "release: OK"
