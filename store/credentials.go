package store

import (
	"errors"
	"fmt"
)

// Credentials are a profile's secret values, ready for flows.Config
// (ClientSecret, PrivateKey). The *From fields say where each came from.
type Credentials struct {
	ClientSecret     string
	ClientSecretFrom string // e.g. "OS keyring (Secret Service)"; "" when none
	PrivateKey       []byte // PEM or JWK
	PrivateKeyFrom   string
}

// SetSecret stores a secret of the named profile: in the OS keyring, or,
// when none is available, where the user chose (Secrets().SetFallback). With
// FallbackAsk and no keyring it returns a *KeyringUnavailableError
// (errors.Is ErrKeyringUnavailable) and stores nothing: ask the user, set
// the fallback, call again. Tokens use SaveTokens. An empty value deletes.
func (s *Store) SetSecret(name string, kind SecretKind, value string) (Location, error) {
	if kind == SecretTokens {
		return "", errors.New("remembered tokens are saved with SaveTokens")
	}
	if kind != SecretClient && kind != SecretPrivateKey {
		return "", fmt.Errorf("unknown secret kind %q", kind)
	}
	if value == "" {
		return "", s.DeleteSecret(name, kind)
	}
	p, err := s.Get(name)
	if err != nil {
		return "", err
	}
	old, hadOld := p.Secrets[kind]
	loc, err := s.secrets.put(account(p.ID, kind), value, false)
	if errors.Is(err, ErrKeyringUnavailable) && old == LocationFile && s.secrets.Fallback() == FallbackAsk {
		// The user already chose the file for this secret: keep using it.
		loc, err = LocationFile, s.secrets.putAt(LocationFile, account(p.ID, kind), value)
	}
	if err != nil {
		return "", fmt.Errorf("profile %q: save the %s: %w", p.Name, kind, err)
	}
	if err := s.recordSecret(p.ID, kind, loc); err != nil {
		s.secrets.remove(loc, account(p.ID, kind))
		return "", err
	}
	if hadOld && old != loc {
		// The value moved (e.g. the keyring came back): drop the old copy.
		s.secrets.remove(old, account(p.ID, kind))
	}
	return loc, nil
}

// recordSecret notes in profiles.json where a secret of profile id is kept
// ("" removes the note).
func (s *Store) recordSecret(id string, kind SecretKind, loc Location) error {
	return s.mutate(func(ps []Profile) ([]Profile, error) {
		for i := range ps {
			if ps[i].ID != id {
				continue
			}
			if loc == "" {
				delete(ps[i].Secrets, kind)
				normalize(&ps[i])
				return ps, nil
			}
			if ps[i].Secrets == nil {
				ps[i].Secrets = map[SecretKind]Location{}
			}
			ps[i].Secrets[kind] = loc
			return ps, nil
		}
		return nil, fmt.Errorf("%w: the profile was deleted meanwhile", ErrNotFound)
	})
}

// Secret returns a secret of the named profile and where it is kept. A
// secret never set returns ErrSecretNotFound; one kept in memory by an
// earlier run too, with a message saying so.
func (s *Store) Secret(name string, kind SecretKind) (string, Location, error) {
	p, err := s.Get(name)
	if err != nil {
		return "", "", err
	}
	return s.secretOf(p, kind)
}

func (s *Store) secretOf(p Profile, kind SecretKind) (string, Location, error) {
	loc, ok := p.Secrets[kind]
	if !ok {
		return "", "", fmt.Errorf("profile %q has no %s saved: %w", p.Name, kind, ErrSecretNotFound)
	}
	v, err := s.secrets.get(loc, account(p.ID, kind))
	if err != nil {
		return "", loc, fmt.Errorf("profile %q: read the %s from the %s: %w", p.Name, kind, s.secrets.Describe(loc), err)
	}
	return v, loc, nil
}

// DeleteSecret removes a secret of the named profile (no error if absent).
func (s *Store) DeleteSecret(name string, kind SecretKind) error {
	p, err := s.Get(name)
	if err != nil {
		return err
	}
	loc, ok := p.Secrets[kind]
	if !ok {
		return nil
	}
	if err := s.secrets.remove(loc, account(p.ID, kind)); err != nil {
		return fmt.Errorf("profile %q: delete the %s from the %s: %w", p.Name, kind, s.secrets.Describe(loc), err)
	}
	return s.recordSecret(p.ID, kind, "")
}

// Credentials reads the secrets p's authentication method needs
// (p.SecretKinds()). A missing one is an error naming the profile and what
// to do; a secret the method does not use is not read.
func (s *Store) Credentials(p Profile) (Credentials, error) {
	var c Credentials
	for _, kind := range p.SecretKinds() {
		v, loc, err := s.secretOf(p, kind)
		if err != nil {
			if errors.Is(err, ErrSecretNotFound) {
				err = fmt.Errorf("%w; profile %q uses %s: enter its %s in the profile editor or with \"tokeninspector profile edit\"",
					err, p.Name, p.Method(), kindLabel(kind))
			}
			return Credentials{}, err
		}
		switch kind {
		case SecretClient:
			c.ClientSecret, c.ClientSecretFrom = v, s.secrets.Describe(loc)
		case SecretPrivateKey:
			c.PrivateKey, c.PrivateKeyFrom = []byte(v), s.secrets.Describe(loc)
		}
	}
	return c, nil
}

func kindLabel(k SecretKind) string {
	switch k {
	case SecretClient:
		return "client secret"
	case SecretPrivateKey:
		return "private key"
	}
	return string(k)
}

// SaveTokens remembers tokens (any text, e.g. a JSON token response) for a
// profile with RememberTokens on. They go to the OS keyring only: with no
// keyring it fails with a *KeyringUnavailableError and keeps nothing.
func (s *Store) SaveTokens(name, tokens string) error {
	p, err := s.Get(name)
	if err != nil {
		return err
	}
	if !p.RememberTokens {
		return fmt.Errorf("profile %q does not remember tokens; turn on \"remember tokens\" first", p.Name)
	}
	if _, err := s.secrets.put(account(p.ID, SecretTokens), tokens, true); err != nil {
		return fmt.Errorf("profile %q: remember tokens: %w", p.Name, err)
	}
	return s.recordSecret(p.ID, SecretTokens, LocationKeyring)
}

// Tokens returns the remembered tokens (ErrSecretNotFound when none).
func (s *Store) Tokens(name string) (string, error) {
	p, err := s.Get(name)
	if err != nil {
		return "", err
	}
	v, _, err := s.secretOf(p, SecretTokens)
	return v, err
}

// ForgetTokens deletes the remembered tokens.
func (s *Store) ForgetTokens(name string) error { return s.DeleteSecret(name, SecretTokens) }
