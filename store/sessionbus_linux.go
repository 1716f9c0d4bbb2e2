//go:build linux

package store

import (
	"os"
	"path/filepath"
)

// sessionBusMissing says why no D-Bus session bus can be reached without
// starting one, or "" when one can. It mirrors godbus's lookup: the
// DBUS_SESSION_BUS_ADDRESS variable, then $XDG_RUNTIME_DIR/bus. Without
// either, go-keyring would autolaunch a private bus (dbus-launch) that
// outlives the app, one more on every start.
func sessionBusMissing() string {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return ""
	}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		if fi, err := os.Stat(filepath.Join(dir, "bus")); err == nil && fi.Mode()&os.ModeSocket != 0 {
			return ""
		}
	}
	return "there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set and $XDG_RUNTIME_DIR/bus does not exist), " +
		"so the Secret Service cannot be reached; run Token Inspector from a desktop session to use the keyring"
}
