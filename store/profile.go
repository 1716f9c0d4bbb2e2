package store

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"time"
)

// Client authentication methods (OAuth 2.0 Dynamic Client Registration,
// RFC 7591 §2 "token_endpoint_auth_method"; OIDC Core §9). They mirror
// flows.AuthMethod; store/ does not import flows/.
const (
	AuthNone              = "none"
	AuthClientSecretBasic = "client_secret_basic"
	AuthClientSecretPost  = "client_secret_post"
	AuthPrivateKeyJWT     = "private_key_jwt"
	AuthClientSecretJWT   = "client_secret_jwt"
)

// AuthMethods lists the accepted Profile.AuthMethod values, in menu order.
var AuthMethods = []string{AuthNone, AuthClientSecretBasic, AuthClientSecretPost, AuthPrivateKeyJWT, AuthClientSecretJWT}

// Redirect defaults, as in flows.Config.
const (
	DefaultRedirectHost = "127.0.0.1"
	DefaultRedirectPath = "/callback"
)

// Profile is everything needed to talk to one provider as one client. Its
// fields mirror flows.Config (see docs/profiles.md); the secret
// values (client secret, private key) are never part of it: they live in a
// secret backend and are read with Store.Credentials.
//
// The zero value of every optional field means "the flows default".
type Profile struct {
	// Name is unique in a store, compared without regard to case.
	Name string `json:"name"`
	// ID is assigned by the store on Create and never changes; secrets are
	// filed under it, so a rename keeps them.
	ID string `json:"id,omitempty"`

	Issuer    string    `json:"issuer,omitempty"`
	Endpoints Endpoints `json:"endpoints,omitzero"`
	ClientID  string    `json:"client_id,omitempty"`
	// AuthMethod is one of AuthMethods; "" means automatic, as in flows:
	// private_key_jwt with a private key, client_secret_basic with a client
	// secret, else none.
	AuthMethod   string `json:"auth_method,omitempty"`
	PrivateKeyID string `json:"private_key_id,omitempty"` // kid header of client assertions

	Scopes    []string            `json:"scopes,omitempty"`
	Audience  string              `json:"audience,omitempty"`
	Resources []string            `json:"resources,omitempty"` // RFC 8707 resource indicators
	Params    map[string][]string `json:"params,omitempty"`    // extra authorize parameters (url.Values)

	RedirectHost string `json:"redirect_host,omitempty"` // "127.0.0.1" (default) or "[::1]"
	RedirectPort int    `json:"redirect_port,omitempty"` // 0 = random free port
	RedirectPath string `json:"redirect_path,omitempty"` // default "/callback"

	CAFile   string   `json:"ca_file,omitempty"`
	Insecure bool     `json:"insecure,omitempty"` // skip TLS verification (shown with a warning)
	Skew     Duration `json:"skew,omitempty"`     // clock skew allowance; 0 = default
	Timeout  Duration `json:"timeout,omitempty"`  // per HTTP call; 0 = default

	Notes string `json:"notes,omitempty"`

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

// Endpoints are manual endpoint URLs, used when the provider has no
// discovery document or to override it. Mirrors flows.Endpoints.
type Endpoints struct {
	Authorization       string `json:"authorization,omitempty"`
	Token               string `json:"token,omitempty"`
	Introspection       string `json:"introspection,omitempty"`
	Revocation          string `json:"revocation,omitempty"`
	UserInfo            string `json:"userinfo,omitempty"`
	DeviceAuthorization string `json:"device_authorization,omitempty"`
	JWKS                string `json:"jwks,omitempty"`
}

// IsZero reports whether no endpoint is set.
func (e Endpoints) IsZero() bool { return e == Endpoints{} }

// Values returns the extra authorize parameters as url.Values (a copy).
func (p Profile) Values() url.Values {
	v := url.Values{}
	for k, vs := range p.Params {
		v[k] = slices.Clone(vs)
	}
	return v
}

// Method returns the authentication method in effect: AuthMethod, or for
// "" the automatic choice (private_key_jwt when a private key is stored,
// client_secret_basic when a client secret is, else none).
func (p Profile) Method() string {
	switch {
	case p.AuthMethod != "":
		return p.AuthMethod
	case p.Secrets[SecretPrivateKey] != "":
		return AuthPrivateKeyJWT
	case p.Secrets[SecretClient] != "":
		return AuthClientSecretBasic
	}
	return AuthNone
}

// SecretKinds returns the secrets this profile's authentication method
// needs: SecretClient for the client_secret_* methods, SecretPrivateKey for
// private_key_jwt, none for "none".
func (p Profile) SecretKinds() []SecretKind {
	switch p.Method() {
	case AuthClientSecretBasic, AuthClientSecretPost, AuthClientSecretJWT:
		return []SecretKind{SecretClient}
	case AuthPrivateKeyJWT:
		return []SecretKind{SecretPrivateKey}
	}
	return nil
}

// Clone returns a deep copy.
func (p Profile) Clone() Profile {
	p.Scopes = slices.Clone(p.Scopes)
	p.Resources = slices.Clone(p.Resources)
	if p.Params != nil {
		p.Params = p.Values()
	}
	p.Secrets = maps.Clone(p.Secrets)
	return p
}

// Duration is a time.Duration written in JSON as a Go duration string
// ("30s", "1m30s"). A bare JSON number is read as seconds.
type Duration time.Duration

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String renders the duration as Go does ("1m30s").
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON writes the duration as a string such as "1m30s".
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads "1m30s" or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("duration %q: %w", s, err)
		}
		*d = Duration(v)
		return nil
	}
	var secs float64
	if err := json.Unmarshal(b, &secs); err != nil {
		return fmt.Errorf("duration: want a string such as \"30s\" or a number of seconds, got %s", b)
	}
	if secs > 1e9 || secs < -1e9 {
		return fmt.Errorf("duration: %v seconds is out of range", secs)
	}
	*d = Duration(time.Duration(secs * float64(time.Second)))
	return nil
}
