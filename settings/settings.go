// Package settings is the one model of a provider and client configuration:
// what a saved profile keeps (package store), what a flow needs (package
// flows), what the CLI takes as flags and what the profile editor shows.
//
// It is a leaf: it imports only the standard library, so store/ and flows/
// both depend on it and neither depends on the other. Secret values (client
// secret, private key) are not settings: they live in a secret backend and
// reach flows.Config separately.
package settings

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"time"
)

// Settings is everything needed to talk to one provider as one client. The
// JSON member names are those of profiles.json. The zero value of every
// optional field means "the flows default".
type Settings struct {
	Issuer    string    `json:"issuer,omitempty"`
	Endpoints Endpoints `json:"endpoints,omitzero"` // manual endpoints; empty ones are filled by discovery
	ClientID  string    `json:"client_id,omitempty"`
	// AuthMethod is one of AuthMethods; "" means automatic: private_key_jwt
	// with a private key, client_secret_basic with a client secret, else none.
	AuthMethod   AuthMethod `json:"auth_method,omitempty"`
	PrivateKeyID string     `json:"private_key_id,omitempty"` // kid header of client assertions ("" => the JWK's kid, or none)

	Scopes    []string   `json:"scopes,omitempty"`
	Audience  string     `json:"audience,omitempty"`
	Resources []string   `json:"resources,omitempty"` // RFC 8707 resource indicators
	Params    url.Values `json:"params,omitempty"`    // extra authorization parameters: prompt, login_hint, max_age, acr_values, free-form

	RedirectHost string `json:"redirect_host,omitempty"` // "127.0.0.1" (default) or "[::1]"
	RedirectPort int    `json:"redirect_port,omitempty"` // 0 = random free port
	RedirectPath string `json:"redirect_path,omitempty"` // default "/callback"

	// PAR pushes the authorization request to the provider first (RFC 9126);
	// a login pushes anyway when the metadata says
	// require_pushed_authorization_requests.
	PAR bool `json:"par,omitempty"`
	// DPoP binds the tokens to a key pair of this session (RFC 9449): a fresh
	// proof goes with every token request and every call presenting a token.
	DPoP bool `json:"dpop,omitempty"`
	// ClientAssertionFile holds a JWT issued by someone else (a CI system's
	// OIDC token, a Kubernetes service-account token) that authenticates the
	// client (RFC 7523 §2.2, workload identity federation); it is read
	// before each request, so a rotated file is picked up.
	ClientAssertionFile string `json:"client_assertion_file,omitempty"`

	CAFile   string   `json:"ca_file,omitempty"`
	Insecure bool     `json:"insecure,omitempty"` // skip TLS verification: every result says so
	Skew     Duration `json:"skew,omitempty"`     // clock skew allowance for token checks; 0 = default
	Timeout  Duration `json:"timeout,omitempty"`  // per HTTP call; 0 = default

	// RFC9068 checks JWT access tokens against the RFC 9068 profile (typ
	// "at+jwt" and its required claims) even when they do not declare
	// "at+jwt"; without it the profile applies only to those that do.
	RFC9068 bool `json:"rfc9068,omitempty"`
	// RequiredScopes are the scopes or permissions the access token must
	// grant the caller's API, looked up in scope, scp, roles, permissions
	// or Keycloak's realm and client roles.
	RequiredScopes []string `json:"required_scopes,omitempty"`
}

// Redirect defaults (RFC 8252 §7.3: a loopback IP literal, any port).
const (
	DefaultRedirectHost = "127.0.0.1"
	DefaultRedirectPath = "/callback"
)

// Clone returns a deep copy.
func (s Settings) Clone() Settings {
	s.Scopes = slices.Clone(s.Scopes)
	s.Resources = slices.Clone(s.Resources)
	s.RequiredScopes = slices.Clone(s.RequiredScopes)
	if s.Params != nil {
		p := url.Values{}
		for k, vs := range s.Params {
			p[k] = slices.Clone(vs)
		}
		s.Params = p
	}
	return s
}

// AuthMethod is how the client authenticates to the token, introspection,
// revocation and device endpoints (OIDC Core §9, RFC 7591 §2
// token_endpoint_auth_method, RFC 7523 §2.2).
type AuthMethod string

// Client authentication methods, named as in token_endpoint_auth_methods_supported.
const (
	AuthNone          AuthMethod = "none"                // public client: client_id only
	AuthSecretBasic   AuthMethod = "client_secret_basic" // HTTP Basic (RFC 6749 §2.3.1)
	AuthSecretPost    AuthMethod = "client_secret_post"  // client_id and client_secret in the form
	AuthPrivateKeyJWT AuthMethod = "private_key_jwt"     // JWT assertion signed with the client's private key
	AuthSecretJWT     AuthMethod = "client_secret_jwt"   // JWT assertion signed with HMAC of the secret
)

// AuthMethods lists the methods, in menu order.
var AuthMethods = []AuthMethod{AuthNone, AuthSecretBasic, AuthSecretPost, AuthPrivateKeyJWT, AuthSecretJWT}

// Endpoints are the server's URLs, given by hand or filled by discovery.
type Endpoints struct {
	Authorization       string `json:"authorization,omitempty"`
	Token               string `json:"token,omitempty"`
	Introspection       string `json:"introspection,omitempty"`
	Revocation          string `json:"revocation,omitempty"`
	UserInfo            string `json:"userinfo,omitempty"`
	DeviceAuthorization string `json:"device_authorization,omitempty"`
	JWKS                string `json:"jwks,omitempty"`
	PAR                 string `json:"par,omitempty"`         // RFC 9126 §5
	EndSession          string `json:"end_session,omitempty"` // OIDC RP-Initiated Logout 1.0 §2.1
}

// IsZero reports whether no endpoint is set.
func (e Endpoints) IsZero() bool { return e == Endpoints{} }

// Endpoint describes one endpoint under its names in each surface.
type Endpoint struct {
	Name     string // JSON member in profiles.json, and its validation key after "endpoints."
	Label    string // in messages: "token endpoint"
	Flag     string // CLI flag: "token-endpoint"
	Metadata string // member of discovery metadata (OIDC Discovery §3, RFC 8414 §2)
	field    func(*Endpoints) *string
}

// Get returns the endpoint's URL in e.
func (d Endpoint) Get(e Endpoints) string { return *d.field(&e) }

// Set sets the endpoint's URL in e.
func (d Endpoint) Set(e *Endpoints, url string) { *d.field(e) = url }

// EndpointList lists every endpoint, in the order the surfaces show them.
var EndpointList = []Endpoint{
	{"authorization", "authorization endpoint", "authorization-endpoint", "authorization_endpoint", func(e *Endpoints) *string { return &e.Authorization }},
	{"token", "token endpoint", "token-endpoint", "token_endpoint", func(e *Endpoints) *string { return &e.Token }},
	{"introspection", "introspection endpoint", "introspection-endpoint", "introspection_endpoint", func(e *Endpoints) *string { return &e.Introspection }},
	{"revocation", "revocation endpoint", "revocation-endpoint", "revocation_endpoint", func(e *Endpoints) *string { return &e.Revocation }},
	{"userinfo", "userinfo endpoint", "userinfo-endpoint", "userinfo_endpoint", func(e *Endpoints) *string { return &e.UserInfo }},
	{"device_authorization", "device authorization endpoint", "device-endpoint", "device_authorization_endpoint", func(e *Endpoints) *string { return &e.DeviceAuthorization }},
	{"jwks", "JWKS URL", "jwks-uri", "jwks_uri", func(e *Endpoints) *string { return &e.JWKS }},
	{"par", "pushed authorization request endpoint", "par-endpoint", "pushed_authorization_request_endpoint", func(e *Endpoints) *string { return &e.PAR }},
	{"end_session", "end session (logout) endpoint", "end-session-endpoint", "end_session_endpoint", func(e *Endpoints) *string { return &e.EndSession }},
}

// Get returns the URL of the endpoint named name (Endpoint.Name), "" for
// an unknown name.
func (e Endpoints) Get(name string) string {
	for _, d := range EndpointList {
		if d.Name == name {
			return d.Get(e)
		}
	}
	return ""
}

// Merge fills the empty fields of e from d: manual endpoints win.
func (e Endpoints) Merge(d Endpoints) Endpoints {
	for _, ep := range EndpointList {
		if ep.Get(e) == "" {
			ep.Set(&e, ep.Get(d))
		}
	}
	return e
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
