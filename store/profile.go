package store

import (
	"maps"
	"time"

	"github.com/tokeninspector/tokeninspector/settings"
)

// Profile is a saved settings.Settings with a name, notes and bookkeeping.
// The secret values (client secret, private key) are never part of it: they
// live in a secret backend and are read with Store.Credentials. See
// docs/profiles.md.
type Profile struct {
	// Name is unique in a store, compared without regard to case.
	Name string `json:"name"`
	// ID is assigned by the store on Create and never changes; secrets are
	// filed under it, so a rename keeps them.
	ID string `json:"id,omitempty"`

	// The settings' members sit at the top level of the profile's JSON.
	settings.Settings

	Notes string `json:"notes,omitempty"`

	// Folder groups the profile in the sidebar ("" = no folder). Free text.
	Folder string `json:"folder,omitempty"`

	// RememberTokens opts in to keeping this profile's tokens between runs,
	// in the OS keyring only (never in a file, never in memory-as-storage).
	RememberTokens bool `json:"remember_tokens,omitempty"`

	// Secrets records where each of this profile's secrets is kept (never
	// the value). Maintained by the store; ignored on Create and Update.
	Secrets map[SecretKind]Location `json:"secrets,omitempty"`

	Created time.Time `json:"created,omitzero"`
	Updated time.Time `json:"updated,omitzero"`
	// Revision counts saves of this profile. Update refuses a profile whose
	// Revision is not the stored one (ErrChanged): someone else saved it
	// since it was read. Zero skips the check.
	Revision int `json:"revision,omitempty"`
}

// Method returns the authentication method in effect: AuthMethod, or for
// "" the automatic choice (private_key_jwt when a private key is stored,
// client_secret_basic when a client secret is, else none).
func (p Profile) Method() settings.AuthMethod {
	switch {
	case p.AuthMethod != "":
		return p.AuthMethod
	case p.Secrets[SecretPrivateKey] != "":
		return settings.AuthPrivateKeyJWT
	case p.Secrets[SecretClient] != "":
		return settings.AuthSecretBasic
	}
	return settings.AuthNone
}

// SecretKinds returns the secrets this profile's authentication method
// needs: SecretClient for the client_secret_* methods, SecretPrivateKey for
// private_key_jwt, none for "none".
func (p Profile) SecretKinds() []SecretKind {
	switch p.Method() {
	case settings.AuthSecretBasic, settings.AuthSecretPost, settings.AuthSecretJWT:
		return []SecretKind{SecretClient}
	case settings.AuthPrivateKeyJWT:
		return []SecretKind{SecretPrivateKey}
	}
	return nil
}

// Clone returns a deep copy.
func (p Profile) Clone() Profile {
	p.Settings = p.Settings.Clone()
	p.Secrets = maps.Clone(p.Secrets)
	return p
}
