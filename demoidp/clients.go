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
	DPoPClientID     = "demo-dpop"     // public native app that must use DPoP (dpop_bound_access_tokens)
	ExactClientID    = "demo-exact"    // public native app registered with one exact redirect URI (no port variance)
	WorkloadClientID = "demo-workload" // authenticates with an assertion from the external issuer (workload identity federation)
)

// WorkloadSubject is the sub the external issuer's assertions must carry to
// authenticate WorkloadClientID: its "federated credential", in the form a
// GitHub Actions token has.
const WorkloadSubject = "repo:demo/app:ref:refs/heads/main"

// DefaultExactRedirectURI is ExactClientID's redirect URI unless
// Options.ExactRedirectURI says otherwise.
const DefaultExactRedirectURI = "http://127.0.0.1:53682/callback"

// Grant types beyond RFC 6749's.
const (
	JWTBearerGrantType     = "urn:ietf:params:oauth:grant-type:jwt-bearer"     // RFC 7523 section 2.1
	TokenExchangeGrantType = "urn:ietf:params:oauth:grant-type:token-exchange" // RFC 8693 section 2.1
)

// APIAudience is the aud of access tokens when the client asks for none;
// ReportsAudience is a second API, for token exchange to a narrower audience.
const (
	APIAudience     = "demo-api"
	ReportsAudience = "demo-reports"
)

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
	ID            string
	Secret        string // "" for the public and private_key_jwt clients
	AuthMethod    string // token_endpoint_auth_method: none, client_secret_basic, client_secret_post, private_key_jwt
	Kind          ClientKind
	RedirectURIs  []string // loopback: any port is accepted (RFC 8252 section 7.3)
	GrantTypes    []string
	Scopes        []string
	Audience      []string // audiences the client may request (the audience parameter)
	Description   string
	KeyID         string // kid of the private_key_jwt client's key
	DPoPBound     bool   // dpop_bound_access_tokens (RFC 9449 section 5.2): token requests without a proof are refused
	ExactRedirect bool   // redirect URIs are compared exactly, port included (no RFC 8252 port variance)
	// FederatedIssuer and FederatedSubject name the assertions that
	// authenticate the client (workload identity federation): iss and sub of
	// a client_assertion issued by someone else.
	FederatedIssuer, FederatedSubject string
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

// PostLogoutRedirectPath is the path of the post_logout_redirect_uri
// registered for every interactive client, on a loopback address with any
// port (OIDC RP-Initiated Logout 1.0 section 3).
const PostLogoutRedirectPath = "/logged-out"

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

func demoClients(jwtKid, exactRedirect, externalIssuer string) []Client {
	interactive := []string{"authorization_code", "refresh_token"}
	delegating := []string{JWTBearerGrantType, TokenExchangeGrantType}
	audiences := []string{APIAudience, ReportsAudience}
	return []Client{
		{ID: NativeClientID, AuthMethod: AuthNone, Kind: KindNative, RedirectURIs: LoopbackRedirectURIs,
			GrantTypes: append(slices.Clone(interactive), DeviceGrantType), Scopes: userScopes, Audience: []string{APIAudience},
			Description: "Public native app: authorization code with PKCE S256, loopback redirect on any port, no secret; device authorization"},
		{ID: WebClientID, Secret: WebClientSecret, AuthMethod: AuthClientSecretBasic, Kind: KindConfidential,
			RedirectURIs: LoopbackRedirectURIs, GrantTypes: append(slices.Clone(interactive), delegating...), Scopes: userScopes, Audience: audiences,
			Description: "Confidential app: authorization code, client_secret_basic (HTTP Basic); may introspect; JWT bearer grant and token exchange"},
		{ID: PostClientID, Secret: PostClientSecret, AuthMethod: AuthClientSecretPost, Kind: KindConfidential,
			RedirectURIs: LoopbackRedirectURIs, GrantTypes: interactive, Scopes: userScopes, Audience: []string{APIAudience},
			Description: "Confidential app: authorization code, client_secret_post (secret in the form body)"},
		{ID: M2MClientID, Secret: M2MClientSecret, AuthMethod: AuthClientSecretBasic, Kind: KindMachine,
			GrantTypes: []string{"client_credentials"}, Scopes: apiScopes, Audience: []string{APIAudience},
			Description: "Machine to machine: client credentials grant, client_secret_basic; may introspect"},
		{ID: JWTClientID, AuthMethod: AuthPrivateKeyJWT, Kind: KindConfidential, RedirectURIs: LoopbackRedirectURIs,
			GrantTypes: append([]string{"authorization_code", "refresh_token", "client_credentials", DeviceGrantType}, delegating...),
			Scopes:     append(slices.Clone(userScopes), "api.write"), Audience: audiences, KeyID: jwtKid,
			Description: "private_key_jwt (RFC 7523): signs a client assertion with RS256; key pair generated at start; may also issue JWT bearer grant assertions for users"},
		{ID: DPoPClientID, AuthMethod: AuthNone, Kind: KindNative, RedirectURIs: LoopbackRedirectURIs,
			GrantTypes: append(slices.Clone(interactive), DeviceGrantType), Scopes: userScopes, Audience: []string{APIAudience}, DPoPBound: true,
			Description: "Public native app that must use DPoP (RFC 9449): every token request needs a proof; tokens and refresh tokens are bound to its key"},
		{ID: ExactClientID, AuthMethod: AuthNone, Kind: KindNative, RedirectURIs: []string{exactRedirect}, ExactRedirect: true,
			GrantTypes: interactive, Scopes: userScopes, Audience: []string{APIAudience},
			Description: "Public native app registered with exactly " + exactRedirect + ": no loopback port variance, like Ory Hydra or many SaaS tenants"},
		{ID: WorkloadClientID, AuthMethod: AuthPrivateKeyJWT, Kind: KindMachine, FederatedIssuer: externalIssuer, FederatedSubject: WorkloadSubject,
			GrantTypes: append([]string{"client_credentials"}, delegating...), Scopes: append(slices.Clone(apiScopes), "openid", "profile", "email"), Audience: audiences,
			Description: "Workload identity federation: authenticates with a client_assertion issued by the external issuer (" + externalIssuer + ") for sub " + WorkloadSubject + "; client credentials, JWT bearer grant, token exchange"},
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
	if c.AuthMethod == AuthPrivateKeyJWT && c.FederatedIssuer == "" {
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
