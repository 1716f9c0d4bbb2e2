#!/usr/bin/env bash
# Installs Token Inspector from the package tree this script sits in (or the
# one named by SRC) under PREFIX, and removes it again:
#   ./install.sh                           into ~/.local (bin/, share/applications/, share/icons/)
#   sudo PREFIX=/usr/local ./install.sh    system-wide
#   ./install.sh --uninstall               removes exactly what was installed under PREFIX
# (make install / make uninstall run it from the source tree.) The list of
# installed files is kept in PREFIX/share/tokeninspector/installed-files.
set -euo pipefail
prefix=${PREFIX:-$HOME/.local}
manifest=$prefix/share/tokeninspector/installed-files

refresh_caches() {
	if command -v update-desktop-database >/dev/null 2>&1; then
		update-desktop-database -q "$prefix/share/applications" 2>/dev/null || true
	fi
	if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -d "$prefix/share/icons/hicolor" ]; then
		gtk-update-icon-cache -q -t -f "$prefix/share/icons/hicolor" 2>/dev/null || true
	fi
}

if [ "${1:-}" = --uninstall ]; then
	if [ ! -f "$manifest" ]; then
		echo "install.sh: nothing to remove: Token Inspector is not installed under $prefix (no $manifest)" >&2
		exit 1
	fi
	while IFS= read -r f; do
		rm -f "$prefix/$f"
	done <"$manifest"
	rm -f "$manifest"
	rmdir "$prefix/share/tokeninspector" 2>/dev/null || true
	refresh_caches
	echo "Token Inspector removed from $prefix"
	exit 0
fi
[ $# -eq 0 ] || { echo "usage: [PREFIX=DIR] $0 [--uninstall]" >&2; exit 2; }

src=${SRC:-$(cd "$(dirname "$0")" && pwd)}/usr/local
[ -x "$src/bin/tokeninspector" ] || { echo "install.sh: no package tree at $src (run it from the extracted archive, or make install)" >&2; exit 1; }
mkdir -p "$prefix" 2>/dev/null && [ -w "$prefix" ] || { echo "install.sh: cannot write to $prefix; choose another PREFIX, or run it with sudo for a system-wide install" >&2; exit 1; }

mkdir -p "$(dirname "$manifest")"
: >"$manifest.new"
(cd "$src" && find . -type f | sed 's|^\./||' | sort) | while IFS= read -r f; do
	case $f in
	bin/*) install -Dm755 "$src/$f" "$prefix/$f" ;;
	share/applications/*.desktop)
		# Launchers do not search ~/.local/bin: name the installed binary.
		exe=$prefix/bin/tokeninspector
		case $exe in *[[:space:]]*) exe="\"$exe\"" ;; esac
		install -d "$prefix/share/applications"
		sed "s|^Exec=tokeninspector|Exec=$exe|" "$src/$f" >"$prefix/$f"
		chmod 644 "$prefix/$f"
		;;
	*) install -Dm644 "$src/$f" "$prefix/$f" ;;
	esac
	echo "$f" >>"$manifest.new"
done
mv "$manifest.new" "$manifest"
refresh_caches
echo "Token Inspector installed under $prefix: run $prefix/bin/tokeninspector, or find it in your applications menu"
case ":$PATH:" in
*":$prefix/bin:"*) ;;
*) echo "note: $prefix/bin is not on your PATH; add it to run tokeninspector by name" ;;
esac
