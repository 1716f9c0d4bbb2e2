#!/usr/bin/env bash
# Installs the system packages Token Inspector needs, on Debian/Ubuntu.
#   scripts/deps.sh build   cgo + GLFW headers to build the desktop app
#   scripts/deps.sh test    the above, plus Xvfb/xdotool (smoke test), a Secret Service (keyring test),
#                           desktop-file-utils and xz-utils (release checks)
# Packages already installed are skipped; apt-get runs with sudo when not root.
# Other systems: prints what to install and carries on.
set -euo pipefail

build_pkgs=(gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxrandr-dev libxxf86vm-dev
	libxi-dev libxcursor-dev libxinerama-dev libwayland-dev libxkbcommon-dev)
test_pkgs=(xvfb xdotool x11-utils dbus gnome-keyring jq desktop-file-utils xz-utils)

mode=${1:-build}
case "$mode" in
build) want=("${build_pkgs[@]}") ;;
test) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
screenshots) want=("${build_pkgs[@]}" "${test_pkgs[@]}" imagemagick) ;;
*) echo "usage: $0 build|test|screenshots" >&2; exit 2 ;;
esac

other_systems() {
	cat <<'MSG'
deps: this is not a Debian/Ubuntu system, so nothing was installed. What to install:
  macOS:   Xcode command line tools (xcode-select --install) for cgo; Go 1.26.
           Tests: nothing else (the Xvfb smoke test and the Secret Service test skip with a message).
  Windows: Go 1.26 and a C compiler for cgo (MSYS2 MinGW-w64 gcc, or TDM-GCC) on PATH.
           Tests: run in Git Bash or MSYS2 (make, bash); the Xvfb and Secret Service tests skip.
  Other Linux: gcc, pkg-config and the X11/GL/Wayland headers (libgl, libx11, libxrandr, libxxf86vm,
           libxi, libxcursor, libxinerama, wayland-client, xkbcommon); for tests Xvfb, xdotool,
           dbus (dbus-run-session), gnome-keyring, jq, desktop-file-utils and xz.
MSG
}

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
	other_systems
	exit 0
fi

missing=()
for p in "${want[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#want[@]} system packages for '$mode' are installed"
	exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "deps: missing packages: ${missing[*]}" >&2
		echo "deps: not root and no sudo; install them as root: apt-get install ${missing[*]}" >&2
		exit 1
	fi
	sudo=(sudo)
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: installed ${#missing[@]} packages"
