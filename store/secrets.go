package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// SecretKind names one secret of a profile.
type SecretKind string

// The secrets a profile may have.
const (
	// SecretClient is the client secret (client_secret_basic,
	// client_secret_post) and the HMAC key of client_secret_jwt
	// (RFC 7523 §2.2, OIDC Core §9).
	SecretClient SecretKind = "client_secret"
	// SecretPrivateKey is the PEM or JWK private key of private_key_jwt.
	SecretPrivateKey SecretKind = "private_key"
	// SecretTokens holds remembered tokens (opt-in, Profile.RememberTokens).
	// It is only ever kept in the OS keyring.
	SecretTokens SecretKind = "tokens"
)

// Location says which backend holds a secret.
type Location string

// Secret backends.
const (
	LocationKeyring Location = "keyring" // the OS keyring
	LocationMemory  Location = "memory"  // this run only
	LocationFile    Location = "file"    // a file readable only by the user (0600), unencrypted
)

// Fallback is the user's choice of where secrets go when no OS keyring is
// available. There is no silent fallback: the default is FallbackAsk.
type Fallback int

// Fallback choices.
const (
	// FallbackAsk returns a *KeyringUnavailableError so the caller can ask.
	FallbackAsk Fallback = iota
	// FallbackMemory keeps secrets in memory for this run only.
	FallbackMemory
	// FallbackFile writes secrets to a 0600 file next to profiles.json,
	// protected only by file permissions. Show a warning before choosing it.
	FallbackFile
)

// ServiceName is the keyring service under which secrets are filed; the
// account is "<profile id>/<kind>".
const ServiceName = "tokeninspector"

// DefaultKeyringTimeout bounds one OS keyring call (a locked keyring may
// show an unlock prompt; an absent one may hang on D-Bus).
const DefaultKeyringTimeout = 30 * time.Second

// Errors.
var (
	// ErrKeyringUnavailable matches (errors.Is) a *KeyringUnavailableError.
	ErrKeyringUnavailable = errors.New("no OS keyring is available")
	// ErrSecretNotFound means the profile has no such secret stored.
	ErrSecretNotFound = errors.New("secret not found")
)

// KeyringUnavailableError says the OS keyring cannot be used, and why. The
// caller should ask the user to choose FallbackMemory or FallbackFile
// (Secrets.SetFallback) and try again.
type KeyringUnavailableError struct {
	Backend string // e.g. "OS keyring (Secret Service)"
	Err     error  // the underlying failure
}

// Error says why the keyring cannot be used and which choices remain.
func (e *KeyringUnavailableError) Error() string {
	return fmt.Sprintf("%s is not available (%v); choose to keep the secret for this run only, "+
		"or to store it unencrypted in a file readable only by you", e.Backend, e.Err)
}

// Unwrap returns the underlying failure.
func (e *KeyringUnavailableError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrKeyringUnavailable) true.
func (e *KeyringUnavailableError) Is(target error) bool { return target == ErrKeyringUnavailable }

// Keyring is the OS keyring API, as in github.com/zalando/go-keyring. Tests
// may pass their own; the default calls go-keyring (so keyring.MockInit
// works).
type Keyring interface {
	Set(service, user, password string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
}

type osKeyring struct{}

// SystemKeyring is the OS keyring for the app and the CLI. On Linux without
// a D-Bus session bus it is a keyring that reports itself unavailable (so
// the user is asked where secrets go) instead of letting go-keyring start a
// session bus daemon that outlives the app.
func SystemKeyring() Keyring {
	if why := sessionBusMissing(); why != "" {
		return noBusKeyring{why}
	}
	return osKeyring{}
}

// noBusKeyring answers every call with the reason there is no keyring.
type noBusKeyring struct{ why string }

func (k noBusKeyring) Set(_, _, _ string) error        { return errors.New(k.why) }
func (k noBusKeyring) Get(_, _ string) (string, error) { return "", errors.New(k.why) }
func (k noBusKeyring) Delete(_, _ string) error        { return errors.New(k.why) }

func (osKeyring) Set(s, u, p string) error        { return keyring.Set(s, u, p) }
func (osKeyring) Get(s, u string) (string, error) { return keyring.Get(s, u) }
func (osKeyring) Delete(s, u string) error        { return keyring.Delete(s, u) }

// KeyringName is the user-facing name of the OS keyring on this system.
func KeyringName() string {
	switch runtime.GOOS {
	case "darwin", "ios":
		return "OS keyring (Keychain)"
	case "windows":
		return "OS keyring (Credential Manager)"
	}
	return "OS keyring (Secret Service)"
}

// Secrets reads and writes secret values in the OS keyring, in memory, or
// in a 0600 file, and says which one holds what. Safe for concurrent use.
type Secrets struct {
	keyring  Keyring
	timeout  time.Duration
	filePath string

	kmu sync.Mutex // serialises keyring calls (go-keyring's mock is not thread-safe)

	mu       sync.Mutex
	fallback Fallback
	memory   map[string]string
}

func newSecrets(k Keyring, filePath string, fb Fallback, timeout time.Duration) *Secrets {
	if k == nil {
		k = osKeyring{}
	}
	if timeout <= 0 {
		timeout = DefaultKeyringTimeout
	}
	return &Secrets{keyring: k, timeout: timeout, filePath: filePath, fallback: fb, memory: map[string]string{}}
}

// SetFallback records the user's choice for when the keyring is missing.
func (s *Secrets) SetFallback(f Fallback) {
	s.mu.Lock()
	s.fallback = f
	s.mu.Unlock()
}

// Fallback returns the current choice.
func (s *Secrets) Fallback() Fallback {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fallback
}

// FilePath is where FallbackFile writes secrets.
func (s *Secrets) FilePath() string { return s.filePath }

// Describe names a location for people: "OS keyring (Secret Service)",
// "memory: this run only", "file ~/.config/tokeninspector/secrets.json (0600)".
func (s *Secrets) Describe(loc Location) string {
	switch loc {
	case LocationKeyring:
		return KeyringName()
	case LocationMemory:
		return "memory: this run only"
	case LocationFile:
		return fmt.Sprintf("file %s (0600)", tildePath(s.filePath))
	}
	return "nowhere"
}

// Probe returns nil when the OS keyring answers, or a
// *KeyringUnavailableError saying why not.
func (s *Secrets) Probe() error {
	_, err := s.keyringCall(func(k Keyring) (string, error) { return k.Get(ServiceName, "probe") })
	if err == nil || errors.Is(err, ErrSecretNotFound) {
		return nil
	}
	return err
}

// keyringCall runs f with a timeout and maps errors: not found to
// ErrSecretNotFound, anything but "too big" to *KeyringUnavailableError.
func (s *Secrets) keyringCall(f func(Keyring) (string, error)) (string, error) {
	type result struct {
		v   string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		s.kmu.Lock()
		defer s.kmu.Unlock()
		v, err := f(s.keyring)
		ch <- result{v, err}
	}()
	var r result
	select {
	case r = <-ch:
	case <-time.After(s.timeout):
		r.err = fmt.Errorf("no answer within %s (is the keyring locked, or its unlock prompt hidden?)", s.timeout)
	}
	switch {
	case r.err == nil:
		return r.v, nil
	case errors.Is(r.err, keyring.ErrNotFound):
		return "", ErrSecretNotFound
	case errors.Is(r.err, keyring.ErrSetDataTooBig):
		return "", fmt.Errorf("%s: the secret is too big for it: %w", KeyringName(), r.err)
	}
	return "", &KeyringUnavailableError{Backend: KeyringName(), Err: r.err}
}

// put stores value for account: in the OS keyring, or where the fallback
// says when it is unavailable. keyringOnly refuses any fallback.
func (s *Secrets) put(account, value string, keyringOnly bool) (Location, error) {
	err := s.putAt(LocationKeyring, account, value)
	if err == nil {
		return LocationKeyring, nil
	}
	if !errors.Is(err, ErrKeyringUnavailable) || keyringOnly {
		return "", err
	}
	switch s.Fallback() {
	case FallbackMemory:
		return LocationMemory, s.putAt(LocationMemory, account, value)
	case FallbackFile:
		return LocationFile, s.putAt(LocationFile, account, value)
	}
	return "", err
}

// putAt stores value in a given backend.
func (s *Secrets) putAt(loc Location, account, value string) error {
	switch loc {
	case LocationKeyring:
		_, err := s.keyringCall(func(k Keyring) (string, error) { return "", k.Set(ServiceName, account, value) })
		return err
	case LocationMemory:
		s.mu.Lock()
		s.memory[account] = value
		s.mu.Unlock()
		return nil
	case LocationFile:
		return s.editFile(func(m map[string]string) { m[account] = value })
	}
	return fmt.Errorf("unknown secret location %q", loc)
}

// get reads account from loc.
func (s *Secrets) get(loc Location, account string) (string, error) {
	switch loc {
	case LocationKeyring:
		return s.keyringCall(func(k Keyring) (string, error) { return k.Get(ServiceName, account) })
	case LocationMemory:
		s.mu.Lock()
		v, ok := s.memory[account]
		s.mu.Unlock()
		if !ok {
			return "", fmt.Errorf("%w: it was kept in memory for an earlier run only; enter it again", ErrSecretNotFound)
		}
		return v, nil
	case LocationFile:
		m, err := s.readFile()
		if err != nil {
			return "", err
		}
		v, ok := m[account]
		if !ok {
			return "", fmt.Errorf("%w in %s", ErrSecretNotFound, tildePath(s.filePath))
		}
		return v, nil
	}
	return "", fmt.Errorf("unknown secret location %q", loc)
}

// remove deletes account from loc; a missing secret is not an error.
func (s *Secrets) remove(loc Location, account string) error {
	switch loc {
	case LocationKeyring:
		_, err := s.keyringCall(func(k Keyring) (string, error) { return "", k.Delete(ServiceName, account) })
		if errors.Is(err, ErrSecretNotFound) {
			return nil
		}
		return err
	case LocationMemory:
		s.mu.Lock()
		delete(s.memory, account)
		s.mu.Unlock()
		return nil
	case LocationFile:
		if _, err := os.Stat(s.filePath); errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return s.editFile(func(m map[string]string) { delete(m, account) })
	}
	return fmt.Errorf("unknown secret location %q", loc)
}

// secretsFile is the JSON document of the file backend.
type secretsFile struct {
	Schema  int               `json:"schema"`
	Warning string            `json:"warning"`
	Secrets map[string]string `json:"secrets"`
}

const secretsWarning = "Token Inspector secrets, unencrypted, protected only by file permissions (0600). Prefer the OS keyring."

func (s *Secrets) readFile() (map[string]string, error) {
	if s.filePath == "" {
		return nil, errors.New("no secrets file is configured")
	}
	data, err := os.ReadFile(s.filePath)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read secrets file: %w", err)
	}
	if err := checkPrivate(s.filePath); err != nil {
		return nil, err
	}
	var doc secretsFile
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("secrets file %s is not valid JSON (%v); fix or move it aside, then enter the secrets again", s.filePath, err)
	}
	if doc.Secrets == nil {
		doc.Secrets = map[string]string{}
	}
	return doc.Secrets, nil
}

// editFile changes the secrets file under its lock, atomically, mode 0600.
func (s *Secrets) editFile(f func(map[string]string)) error {
	if s.filePath == "" {
		return errors.New("no secrets file is configured")
	}
	if err := makeConfigDir(filepath.Dir(s.filePath)); err != nil {
		return fmt.Errorf("the folder for the secrets file: %w", err)
	}
	unlock, err := lockPath(s.filePath + ".lock")
	if err != nil {
		return err
	}
	defer unlock()
	m, err := s.readFile()
	if err != nil {
		return err
	}
	f(m)
	data, err := json.MarshalIndent(secretsFile{Schema: 1, Warning: secretsWarning, Secrets: m}, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(s.filePath, append(data, '\n'), false)
}

// tildePath shortens a path under the home folder to ~/...
func tildePath(p string) string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return p
	}
	if rel, err := filepath.Rel(home, p); err == nil && !strings.HasPrefix(rel, "..") && !filepath.IsAbs(rel) {
		return filepath.Join("~", rel)
	}
	return p
}

func account(id string, kind SecretKind) string { return id + "/" + string(kind) }
