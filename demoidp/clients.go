package demoidp

import (
	"crypto/subtle"
	"fmt"
	"slices"

	josev3 "github.com/go-jose/go-jose/v3"
	"github.com/ory/fosite"
	"golang.org/x/crypto/bcrypt"
)

// Client IDs and secrets of the built-in clients. The secrets are public on
// purpose: this provider exists for demos and tests on one computer.
const (
	NativeClientID   = "demo-native" // public native app: PKCE S256, loopback redirect, auth method none
	WebClientID      = "demo-web"    // confidential: client_secret_basic
	WebClientSecret  = "demo-web-secret"
	M2MClientID      = "demo-m2m" // machine to machine: client credentials only
	M2MClientSecret  = "demo-m2m-secret"
	JWTClientID      = "demo-jwt"  // private_key_jwt (RFC 7523); key pair generated at start
	PostClientID     = "demo-post" // confidential: client_secret_post
	PostClientSecret = "demo-post-secret"
)

// APIAudience is the aud of access tokens when the client asks for none.
const APIAudience = "demo-api"

// Auth methods (token_endpoint_auth_method values, RFC 7591 section 2).
const (
	AuthNone              = "none"
	AuthClientSecretBasic = "client_secret_basic"
	AuthClientSecretPost  = "client_secret_post"
	AuthPrivateKeyJWT     = "private_key_jwt"
)

// ClientKind says what sort of application a client stands for.
type ClientKind string

// Client kinds.
const (
	KindNative       ClientKind = "native"       // public client on the user's device
	KindConfidential ClientKind = "confidential" // server-side app holding a secret
	KindMachine      ClientKind = "machine"      // no user: client credentials
)

// Client describes one registered client.
type Client struct {
	ID           string
	Secret       string // "" for the public and private_key_jwt clients
	AuthMethod   string // token_endpoint_auth_method: none, client_secret_basic, client_secret_post, private_key_jwt
	Kind         ClientKind
	RedirectURIs []string // loopback: any port is accepted (RFC 8252 section 7.3)
	GrantTypes   []string
	Scopes       []string
	Audience     []string // audiences the client may request (the audience parameter)
	Description  string
	KeyID        string // kid of the private_key_jwt client's key
}

// User is a demo user; every user's password is "secret".
type User struct {
	Username      string
	Password      string
	Subject       string // sub claim: stable and opaque, unlike the username
	Name          string
	GivenName     string
	FamilyName    string
	Email         string
	EmailVerified bool
	Groups        []string
}

// LoopbackRedirectURIs are registered for every interactive client. Any port
// matches (RFC 8252 section 7.3); the path must be /callback.
var LoopbackRedirectURIs = []string{"http://127.0.0.1/callback", "http://[::1]/callback"}

var (
	userScopes = []string{"openid", "profile", "email", "groups", "offline_access", "api.read"}
	apiScopes  = []string{"api.read", "api.write"}
)

// ScopeDescriptions explain each scope on the consent page.
var ScopeDescriptions = map[string]string{
	"openid":         "Sign you in (OpenID Connect ID token)",
	"profile":        "Your name and username",
	"email":          "Your email address and whether it is verified",
	"groups":         "The groups you belong to",
	"offline_access": "Stay signed in (refresh token)",
	"api.read":       "Read from the demo API",
	"api.write":      "Write to the demo API",
}

func demoUsers() []User {
	return []User{
		{Username: "alice", Password: "secret", Subject: "u-1001", Name: "Alice Anderson", GivenName: "Alice",
			FamilyName: "Anderson", Email: "alice@example.com", EmailVerified: true, Groups: []string{"admins", "developers"}},
		{Username: "bob", Password: "secret", Subject: "u-1002", Name: "Bob Brown", GivenName: "Bob",
			FamilyName: "Brown", Email: "bob@example.org", EmailVerified: false, Groups: []string{"students"}},
	}
}

func demoClients(jwtKid string) []Client {
	interactive := []string{"authorization_code", "refresh_token"}
	return []Client{
		{ID: NativeClientID, AuthMethod: AuthNone, Kind: KindNative, RedirectURIs: LoopbackRedirectURIs,
			GrantTypes: append(slices.Clone(interactive), DeviceGrantType), Scopes: userScopes, Audience: []string{APIAudience},
			Description: "Public native app: authorization code with PKCE S256, loopback redirect on any port, no secret; device authorization"},
		{ID: WebClientID, Secret: WebClientSecret, AuthMethod: AuthClientSecretBasic, Kind: KindConfidential,
			RedirectURIs: LoopbackRedirectURIs, GrantTypes: interactive, Scopes: userScopes, Audience: []string{APIAudience},
			Description: "Confidential app: authorization code, client_secret_basic (HTTP Basic); may introspect"},
		{ID: PostClientID, Secret: PostClientSecret, AuthMethod: AuthClientSecretPost, Kind: KindConfidential,
			RedirectURIs: LoopbackRedirectURIs, GrantTypes: interactive, Scopes: userScopes, Audience: []string{APIAudience},
			Description: "Confidential app: authorization code, client_secret_post (secret in the form body)"},
		{ID: M2MClientID, Secret: M2MClientSecret, AuthMethod: AuthClientSecretBasic, Kind: KindMachine,
			GrantTypes: []string{"client_credentials"}, Scopes: apiScopes, Audience: []string{APIAudience},
			Description: "Machine to machine: client credentials grant, client_secret_basic; may introspect"},
		{ID: JWTClientID, AuthMethod: AuthPrivateKeyJWT, Kind: KindConfidential, RedirectURIs: LoopbackRedirectURIs,
			GrantTypes: []string{"authorization_code", "refresh_token", "client_credentials", DeviceGrantType},
			Scopes:     append(slices.Clone(userScopes), "api.write"), Audience: []string{APIAudience}, KeyID: jwtKid,
			Description: "private_key_jwt (RFC 7523): signs a client assertion with RS256; key pair generated at start"},
	}
}

// claims returns the profile claims the granted scopes release (OIDC Core 5.4).
func (u User) claims(scopes []string) map[string]any {
	c := map[string]any{}
	if slices.Contains(scopes, "profile") {
		c["name"] = u.Name
		c["given_name"] = u.GivenName
		c["family_name"] = u.FamilyName
		c["preferred_username"] = u.Username
	}
	if slices.Contains(scopes, "email") {
		c["email"] = u.Email
		c["email_verified"] = u.EmailVerified
	}
	if slices.Contains(scopes, "groups") {
		c["groups"] = slices.Clone(u.Groups)
	}
	return c
}

// fositeClient builds the registered form of c; pub is the private_key_jwt client's public key.
func fositeClient(c Client, pub any) (fosite.Client, error) {
	dc := &fosite.DefaultClient{
		ID:            c.ID,
		RedirectURIs:  c.RedirectURIs,
		GrantTypes:    c.GrantTypes,
		ResponseTypes: []string{"code"},
		Scopes:        c.Scopes,
		Audience:      c.Audience,
		Public:        c.AuthMethod == AuthNone,
	}
	if c.Secret != "" {
		// MinCost: the secrets are public anyway and tests authenticate often.
		h, err := bcrypt.GenerateFromPassword([]byte(c.Secret), bcrypt.MinCost)
		if err != nil {
			return nil, fmt.Errorf("hash secret of %s: %w", c.ID, err)
		}
		dc.Secret = h
	}
	oc := &fosite.DefaultOpenIDConnectClient{DefaultClient: dc, TokenEndpointAuthMethod: c.AuthMethod}
	if c.AuthMethod == AuthPrivateKeyJWT {
		oc.TokenEndpointAuthSigningAlgorithm = "RS256"
		oc.JSONWebKeys = &josev3.JSONWebKeySet{Keys: []josev3.JSONWebKey{
			{Key: pub, KeyID: c.KeyID, Algorithm: "RS256", Use: "sig"},
		}}
	}
	return oc, nil
}

// findUser checks a username and password in constant time per user.
func findUser(users []User, username, password string) (User, bool) {
	for _, u := range users {
		nameOK := subtle.ConstantTimeCompare([]byte(u.Username), []byte(username)) == 1
		passOK := subtle.ConstantTimeCompare([]byte(u.Password), []byte(password)) == 1
		if nameOK && passOK {
			return u, true
		}
	}
	return User{}, false
}

func userBySubject(users []User, sub string) (User, bool) {
	for _, u := range users {
		if u.Subject == sub {
			return u, true
		}
	}
	return User{}, false
}
