package store

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/tokeninspector/tokeninspector/settings"
)

// TestLoadsTodaysFile loads a profiles.json written by the code of
// 2026-11-30 (every setting filled in on one profile, secrets recorded on
// two) and writes it back byte for byte: the on-disk format is a promise to
// every user's existing file.
func TestLoadsTodaysFile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "profiles-v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "profiles.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	keyring.MockInit()
	s, prob, err := Open(path)
	if err != nil || prob != nil {
		t.Fatalf("Open: %v, problem %v", err, prob)
	}
	ps := s.List()
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	if want := []string{"auth0 tenant", "Keycloak dev", "Manual endpoints", "minimal"}; !slices.Equal(names, want) {
		t.Fatalf("profiles %q, want %q", names, want)
	}

	kc, err := s.Get("keycloak dev")
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"issuer", kc.Issuer, "https://sso.example.com/realms/dev"},
		{"jwks endpoint", kc.Endpoints.JWKS, "https://sso.example.com/certs"},
		{"device endpoint", kc.Endpoints.DeviceAuthorization, "https://sso.example.com/device"},
		{"client id", kc.ClientID, "inspector"},
		{"method", kc.Method(), settings.AuthPrivateKeyJWT},
		{"kid", kc.PrivateKeyID, "key-2026"},
		{"scopes", slices.Clone(kc.Scopes), []string{"openid", "profile", "email", "offline_access"}},
		{"audience", kc.Audience, "https://api.example.com"},
		{"resources", slices.Clone(kc.Resources), []string{"https://api.example.com/", "https://files.example.com/"}},
		{"acr_values", kc.Params["acr_values"], []string{"urn:mace:incommon:iap:silver", "mfa"}},
		{"redirect", [3]any{kc.RedirectHost, kc.RedirectPort, kc.RedirectPath}, [3]any{"[::1]", 8765, "/oidc/cb"}},
		{"ca file", kc.CAFile, "/etc/ssl/dev-ca.pem"},
		{"insecure", kc.Insecure, true},
		{"skew", kc.Skew.D(), 90 * time.Second},
		{"timeout", kc.Timeout.D(), 20 * time.Second},
		{"notes", kc.Notes, "Dev realm.\nAsk #iam for access."},
		{"remember tokens", kc.RememberTokens, true},
		{"secret location", kc.Secrets[SecretPrivateKey], LocationKeyring},
		{"revision", kc.Revision, 1},
	}
	for _, c := range checks {
		if !equalAny(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.what, c.got, c.want)
		}
	}

	saved, err := time.Parse(time.RFC3339, "2026-11-30T14:03:15Z")
	if err != nil {
		t.Fatal(err)
	}
	out, err := encodeProfiles(ps, saved)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, data) {
		t.Errorf("written back, the file differs:\n%s\nwant\n%s", out, data)
	}
}

func equalAny(a, b any) bool {
	if as, ok := a.([]string); ok {
		bs, ok := b.([]string)
		return ok && slices.Equal(as, bs)
	}
	return a == b
}
