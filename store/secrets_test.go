package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/tokeninspector/tokeninspector/settings"
)

// errNoBus is the error go-keyring returns on a Linux box without a session
// bus (measured; see shared/research/fyne.md §6).
var errNoBus = errors.New(`exec: "dbus-launch": executable file not found in $PATH`)

func TestSecretsInKeyring(t *testing.T) {
	s := openTemp(t)
	if _, err := s.Create(sample("web")); err != nil {
		t.Fatal(err)
	}
	loc, err := s.SetSecret("web", SecretClient, "s3cr3t")
	if err != nil || loc != LocationKeyring {
		t.Fatalf("SetSecret = %q, %v", loc, err)
	}
	if got, _ := keyring.Get(ServiceName, account(mustGet(t, s, "web").ID, SecretClient)); got != "s3cr3t" {
		t.Errorf("keyring holds %q", got)
	}
	data, _ := os.ReadFile(s.Path())
	if strings.Contains(string(data), "s3cr3t") {
		t.Fatal("the secret was written into profiles.json")
	}
	if !strings.Contains(string(data), `"client_secret": "keyring"`) {
		t.Errorf("profiles.json does not record where the secret is:\n%s", data)
	}
	// Rename keeps the secret (filed under the ID).
	must(t, s.Rename("web", "web app"))
	p := mustGet(t, s, "web app")
	c, err := s.Credentials(p)
	if err != nil || c.ClientSecret != "s3cr3t" || c.ClientSecretFrom != KeyringName() {
		t.Fatalf("Credentials = %+v, %v", c, err)
	}
	// Duplicate copies it; Delete removes it with the profile.
	dup, err := s.Duplicate("web app", "web copy")
	if err != nil {
		t.Fatal(err)
	}
	if v, loc, err := s.Secret("web copy", SecretClient); v != "s3cr3t" || loc != LocationKeyring || err != nil {
		t.Errorf("duplicate's secret = %q %q %v", v, loc, err)
	}
	must(t, s.Delete("web app"))
	if _, err := keyring.Get(ServiceName, account(p.ID, SecretClient)); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("secret left in the keyring after Delete: %v", err)
	}
	if _, err := keyring.Get(ServiceName, account(dup.ID, SecretClient)); err != nil {
		t.Errorf("deleting the original removed the copy's secret: %v", err)
	}
	// An empty value deletes.
	if _, err := s.SetSecret("web copy", SecretClient, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Secret("web copy", SecretClient); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("after delete: %v", err)
	}
}

func TestCredentialsMissing(t *testing.T) {
	s := openTemp(t)
	pk := sample("jwt")
	pk.AuthMethod = settings.AuthPrivateKeyJWT
	p, err := s.Create(pk)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Credentials(p)
	if !errors.Is(err, ErrSecretNotFound) || !strings.Contains(err.Error(), "private key") {
		t.Errorf("err = %v", err)
	}
	if _, err := s.SetSecret("jwt", SecretPrivateKey, "-----BEGIN PRIVATE KEY-----"); err != nil {
		t.Fatal(err)
	}
	c, err := s.Credentials(mustGet(t, s, "jwt"))
	if err != nil || string(c.PrivateKey) != "-----BEGIN PRIVATE KEY-----" || c.ClientSecret != "" {
		t.Errorf("Credentials = %+v, %v", c, err)
	}
	public := sample("public")
	public.AuthMethod = settings.AuthNone
	p, _ = s.Create(public)
	if c, err := s.Credentials(p); err != nil || c.ClientSecret != "" || c.PrivateKey != nil {
		t.Errorf("public client: %+v, %v", c, err)
	}
}

func TestNoKeyringAsks(t *testing.T) {
	s := openTemp(t)
	keyring.MockInitWithError(errNoBus)
	if _, err := s.Create(sample("web")); err != nil {
		t.Fatal(err)
	}
	err := s.Secrets().Probe()
	var ke *KeyringUnavailableError
	if !errors.As(err, &ke) || !errors.Is(err, ErrKeyringUnavailable) || !strings.Contains(err.Error(), "dbus-launch") {
		t.Fatalf("Probe = %v", err)
	}
	// Never a silent fallback: nothing is stored and the error says so.
	_, err = s.SetSecret("web", SecretClient, "s3cr3t")
	if !errors.Is(err, ErrKeyringUnavailable) || !strings.Contains(err.Error(), "this run only") {
		t.Fatalf("SetSecret without a keyring = %v", err)
	}
	if p := mustGet(t, s, "web"); len(p.Secrets) != 0 {
		t.Errorf("a location was recorded: %v", p.Secrets)
	}

	// The user chooses "this run only".
	s.Secrets().SetFallback(FallbackMemory)
	loc, err := s.SetSecret("web", SecretClient, "s3cr3t")
	if err != nil || loc != LocationMemory {
		t.Fatalf("memory fallback: %q %v", loc, err)
	}
	if got := s.Secrets().Describe(loc); got != "memory: this run only" {
		t.Errorf("Describe = %q", got)
	}
	if v, _, err := s.Secret("web", SecretClient); v != "s3cr3t" || err != nil {
		t.Errorf("Secret = %q %v", v, err)
	}
	// Next run: the memory is gone, and the message says why.
	s2, _, _ := Open(s.Path())
	_, _, err = s2.Secret("web", SecretClient)
	if !errors.Is(err, ErrSecretNotFound) || !strings.Contains(err.Error(), "earlier run only") {
		t.Errorf("next run: %v", err)
	}
	// Remembered tokens never fall back.
	p := mustGet(t, s, "web")
	p.RememberTokens = true
	if _, err := s.Update("web", p); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveTokens("web", "tok"); !errors.Is(err, ErrKeyringUnavailable) {
		t.Errorf("SaveTokens without keyring: %v", err)
	}
}

func TestFileFallback(t *testing.T) {
	s := openTemp(t, WithFallback(FallbackFile))
	keyring.MockInitWithError(errNoBus)
	if _, err := s.Create(sample("web")); err != nil {
		t.Fatal(err)
	}
	loc, err := s.SetSecret("web", SecretClient, "s3cr3t")
	if err != nil || loc != LocationFile {
		t.Fatalf("SetSecret = %q %v", loc, err)
	}
	path := filepath.Join(filepath.Dir(s.Path()), "secrets.json")
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secrets file: %v %v", fi, err)
	}
	if d := s.Secrets().Describe(LocationFile); !strings.HasPrefix(d, "file ") || !strings.HasSuffix(d, "secrets.json (0600)") {
		t.Errorf("Describe = %q", d)
	}
	// A later run reads it from the file, keyring or not.
	s2, _, _ := Open(s.Path())
	if v, loc, err := s2.Secret("web", SecretClient); v != "s3cr3t" || loc != LocationFile || err != nil {
		t.Errorf("Secret = %q %q %v", v, loc, err)
	}
	// A file others can read is refused, not used.
	must(t, os.Chmod(path, 0o644))
	if _, _, err := s2.Secret("web", SecretClient); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("world-readable secrets file: %v", err)
	}
	must(t, os.Chmod(path, 0o600))
	// A secret already in the file stays there on the next change, even
	// without the fallback chosen again (the user chose it for this one).
	if loc, err := s2.SetSecret("web", SecretClient, "s3cr3t"); loc != LocationFile || err != nil {
		t.Errorf("update of a file secret = %q %v", loc, err)
	}
	// When the keyring is back, setting the secret again moves it there.
	keyring.MockInit()
	if loc, err := s2.SetSecret("web", SecretClient, "new"); loc != LocationKeyring || err != nil {
		t.Fatalf("SetSecret with keyring back = %q %v", loc, err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), "s3cr3t") {
		t.Errorf("old copy left in the secrets file:\n%s", data)
	}
	must(t, s2.Delete("web"))
}

func TestRememberTokens(t *testing.T) {
	s := openTemp(t)
	if _, err := s.Create(sample("web")); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveTokens("web", "tok"); err == nil {
		t.Error("tokens saved for a profile without RememberTokens")
	}
	p := mustGet(t, s, "web")
	p.RememberTokens = true
	p, _ = s.Update("web", p)
	must(t, s.SaveTokens("web", `{"access_token":"x"}`))
	if v, err := s.Tokens("web"); v != `{"access_token":"x"}` || err != nil {
		t.Errorf("Tokens = %q %v", v, err)
	}
	// Export never carries tokens.
	b, err := s.Export(ExportOptions{IncludeSecrets: true})
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := b.Marshal(); strings.Contains(string(data), "access_token") {
		t.Error("tokens exported")
	}
	// Turning the option off forgets them.
	p = mustGet(t, s, "web")
	p.RememberTokens = false
	if _, err := s.Update("web", p); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get(ServiceName, account(p.ID, SecretTokens)); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("tokens kept after opting out: %v", err)
	}
}

// hangingKeyring never answers, like a Secret Service waiting on a hidden
// unlock prompt.
type hangingKeyring struct{ block chan struct{} }

func (h hangingKeyring) Set(string, string, string) error { <-h.block; return nil }
func (h hangingKeyring) Get(string, string) (string, error) {
	<-h.block
	return "", keyring.ErrNotFound
}
func (h hangingKeyring) Delete(string, string) error { <-h.block; return nil }

func TestKeyringTimeout(t *testing.T) {
	h := hangingKeyring{make(chan struct{})}
	defer close(h.block)
	s := openTemp(t, WithKeyring(h), WithKeyringTimeout(50*time.Millisecond))
	err := s.Secrets().Probe()
	if !errors.Is(err, ErrKeyringUnavailable) || !strings.Contains(err.Error(), "no answer within") {
		t.Errorf("Probe = %v", err)
	}
}

func mustGet(t *testing.T, s *Store, name string) Profile {
	t.Helper()
	p, err := s.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
