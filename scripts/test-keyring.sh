#!/usr/bin/env bash
# Runs store/'s integration test against a real Secret Service: a private
# D-Bus session (dbus-run-session) with gnome-keyring-daemon unlocked by a
# throw-away password, so nothing touches the user's own keyring.
#   scripts/test-keyring.sh        (make keyring; part of make test)
# Installs dbus and gnome-keyring with apt-get when missing (sudo when not
# root). Where that cannot run (not Linux, not Debian/Ubuntu, no root or
# sudo), it prints a visible SKIP and exits 0; the unit tests still cover
# store/ with keyring.MockInit.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}

skip() {
	echo "======================================================================"
	echo "SKIP keyring integration test: $*"
	echo "======================================================================"
	exit 0
}

[ "$(uname -s)" = Linux ] || skip "Secret Service is Linux-only (macOS Keychain / Windows Credential Manager are not tested here)"

need=()
command -v dbus-run-session >/dev/null 2>&1 || need+=(dbus)
command -v gnome-keyring-daemon >/dev/null 2>&1 || need+=(gnome-keyring)
if [ ${#need[@]} -gt 0 ]; then
	command -v apt-get >/dev/null 2>&1 || skip "missing ${need[*]} and this is not Debian/Ubuntu; install them to run it"
	sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 || skip "missing ${need[*]}; not root and no sudo"
		sudo=(sudo)
	fi
	echo "keyring: installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -qq || skip "apt-get update failed"
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || skip "apt-get install ${need[*]} failed"
fi

# Private XDG data and runtime folders, so the daemon creates a fresh login
# keyring in a temp folder instead of using (or unlocking) the user's own.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/data" "$tmp/run"
chmod 700 "$tmp/run"

echo "keyring: running the store integration test in dbus-run-session with gnome-keyring-daemon"
XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run" GO="$GO" \
	dbus-run-session -- sh -c '
		echo -n throwaway | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 97
		TOKENINSPECTOR_KEYRING_IT=1 "$GO" test -count=1 -v -run "^TestKeyringIntegration\$" ./store/
	'
