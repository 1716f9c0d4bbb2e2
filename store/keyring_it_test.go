package store

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// TestKeyringIntegration runs against the real OS keyring (Secret Service on
// Linux). scripts/test-keyring.sh runs it inside dbus-run-session with an
// unlocked gnome-keyring-daemon and TOKENINSPECTOR_KEYRING_IT=1.
func TestKeyringIntegration(t *testing.T) {
	if os.Getenv("TOKENINSPECTOR_KEYRING_IT") != "1" {
		t.Skip("SKIP real keyring test: set TOKENINSPECTOR_KEYRING_IT=1 (scripts/test-keyring.sh does, inside dbus-run-session)")
	}
	path := filepath.Join(t.TempDir(), "profiles.json")
	s, prob, err := Open(path, WithKeyringTimeout(20*time.Second))
	if err != nil || prob != nil {
		t.Fatalf("Open: %v %v", prob, err)
	}
	if err := s.Secrets().Probe(); err != nil {
		t.Fatalf("the real keyring is not usable: %v", err)
	}
	p, err := s.Create(sample("it-profile"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { keyring.Delete(ServiceName, account(p.ID, SecretClient)) })
	loc, err := s.SetSecret("it-profile", SecretClient, "real s3cr3t ✓")
	if err != nil || loc != LocationKeyring {
		t.Fatalf("SetSecret = %q, %v", loc, err)
	}
	// Straight from the Secret Service, not through the store.
	if v, err := keyring.Get(ServiceName, account(p.ID, SecretClient)); err != nil || v != "real s3cr3t ✓" {
		t.Fatalf("keyring.Get = %q, %v", v, err)
	}
	// A second store (another app run) reads it back.
	s2, _, _ := Open(path)
	c, err := s2.Credentials(mustGet(t, s2, "it-profile"))
	if err != nil || c.ClientSecret != "real s3cr3t ✓" {
		t.Fatalf("Credentials = %+v, %v", c, err)
	}
	t.Logf("secret stored and read back via %s", c.ClientSecretFrom)
	// Overwrite, then delete with the profile.
	if _, err := s2.SetSecret("it-profile", SecretClient, "rotated"); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := s.Secret("it-profile", SecretClient); v != "rotated" {
		t.Errorf("after overwrite: %q", v)
	}
	if err := s.Delete("it-profile"); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get(ServiceName, account(p.ID, SecretClient)); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("secret still in the keyring after Delete: %v", err)
	}
}
