//go:build linux

package store

import (
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
)

// TestSystemKeyringWithoutSessionBus: with no session bus the system keyring
// says so (and the user is asked), instead of go-keyring autolaunching a
// dbus-daemon that outlives the app.
func TestSystemKeyringWithoutSessionBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	if _, ok := SystemKeyring().(noBusKeyring); !ok {
		t.Fatalf("SystemKeyring() = %T, want the no-bus keyring", SystemKeyring())
	}
	s := openTemp(t, WithKeyring(SystemKeyring()))
	if _, err := s.Create(sample("web")); err != nil {
		t.Fatal(err)
	}
	_, err := s.SetSecret("web", SecretClient, "s3cr3t")
	if !errors.Is(err, ErrKeyringUnavailable) || !strings.Contains(err.Error(), "no D-Bus session bus") {
		t.Fatalf("SetSecret = %v", err)
	}
}

func TestSystemKeyringFindsTheBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus")
	if _, ok := SystemKeyring().(osKeyring); !ok {
		t.Errorf("with DBUS_SESSION_BUS_ADDRESS: %T, want the OS keyring", SystemKeyring())
	}
	// The systemd user bus socket, without the variable.
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	dir := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", dir)
	l, err := net.Listen("unix", filepath.Join(dir, "bus"))
	if err != nil {
		t.Skipf("cannot make a unix socket here: %v", err)
	}
	defer l.Close()
	if _, ok := SystemKeyring().(osKeyring); !ok {
		t.Errorf("with $XDG_RUNTIME_DIR/bus: %T, want the OS keyring", SystemKeyring())
	}
}
