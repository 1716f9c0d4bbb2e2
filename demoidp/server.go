// Package demoidp is an embedded OAuth 2.0 and OpenID Connect provider for
// demos, classes and integration tests. It runs on a loopback address only,
// is built on github.com/ory/fosite, and offers discovery, JWKS,
// authorization code with PKCE, refresh with rotation, client credentials,
// device authorization (RFC 8628),
// introspection (RFC 7662), revocation (RFC 7009), userinfo, RFC 9068 JWT
// access tokens, pushed authorization requests (RFC 9126, optionally
// required), DPoP (RFC 9449), RP-initiated logout, token exchange
// (RFC 8693), JWT bearer grants and client assertions from a trusted
// external issuer (RFC 7523), a client that accepts only its exact redirect
// URI, and teaching switches (key rotation, short lifetimes, deliberately
// flawed tokens).
package demoidp

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/handler/oauth2"
	"github.com/ory/fosite/handler/openid"
	"github.com/ory/fosite/storage"
	"github.com/ory/fosite/token/jwt"

	"github.com/tokeninspector/tokeninspector/termesc"
)

// Default lifetimes, and the lifetimes of SetShortLifetimes(true).
const (
	DefaultAccessTokenLifetime  = 10 * time.Minute
	DefaultIDTokenLifetime      = 10 * time.Minute
	DefaultRefreshTokenLifetime = 8 * time.Hour
	ShortAccessTokenLifetime    = 30 * time.Second
	ShortIDTokenLifetime        = 30 * time.Second
	ShortRefreshTokenLifetime   = 5 * time.Minute
	// DefaultKeyGrace is how long a rotated-out signing key stays published.
	DefaultKeyGrace       = 10 * time.Minute
	authorizeCodeLifetime = 2 * time.Minute
)

// Options configure Start. The zero value is a working provider on a random port.
type Options struct {
	Addr string // default "127.0.0.1:0"; anything but a loopback address is refused

	AccessTokenLifetime, IDTokenLifetime, RefreshTokenLifetime time.Duration // zero => defaults

	ShortLifetimes bool          // start with short lifetimes (see SetShortLifetimes)
	Flaw           Flaw          // start with this flaw (see SetFlaw)
	KeyGrace       time.Duration // how long a rotated-out key stays published; zero => DefaultKeyGrace
	RequirePAR     bool          // start requiring pushed authorization requests (see SetRequirePAR)
	DPoPNonce      bool          // start requiring DPoP server nonces (see SetDPoPNonce)
	// SelfContained starts refusing to introspect or revoke JWTs (see SetSelfContained).
	SelfContained bool

	// ExactRedirectURI is the one redirect URI registered for ExactClientID,
	// compared exactly (port included); "" => DefaultExactRedirectURI.
	ExactRedirectURI string

	// Log, when set, receives one line per request: method, path (no query) and status. Nothing secret.
	Log io.Writer
	// Clock is used for the key grace period and for device code expiry and
	// polling; nil => time.Now. Tokens use fosite's own clock.
	Clock func() time.Time
}

// Lifetimes are the token lifetimes in effect.
type Lifetimes struct {
	AccessToken, IDToken, RefreshToken time.Duration
}

// Server is a running demo provider. Its methods are safe for concurrent use.
type Server struct {
	opts      Options
	issuer    string
	ln        net.Listener
	http      *http.Server
	served    chan struct{}
	provider  *fosite.Fosite
	keys      *keyRing
	clients   []Client
	users     []User
	clientKey *rsa.PrivateKey
	clientKid string
	csrfKey   []byte
	devices   *deviceStore
	store     *parStore
	dpop      *dpopState
	external  *signingKey // the trusted external issuer's key (workload identity, RFC 7523)
	usedJTIs  *jtiCache   // client assertions of the federated client, used once

	short         atomic.Bool
	flaw          atomic.Value // Flaw
	requirePAR    atomic.Bool
	dpopNonce     atomic.Bool
	selfContained atomic.Bool

	mu       sync.Mutex
	browsers map[string]*browser // sign-in sessions by cookie value
	closed   bool
}

// Start binds a loopback address, then serves the provider in the background.
func Start(opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.KeyGrace == 0 {
		opts.KeyGrace = DefaultKeyGrace
	}
	if opts.ExactRedirectURI == "" {
		opts.ExactRedirectURI = DefaultExactRedirectURI
	}
	if err := checkLoopback(opts.Addr); err != nil {
		return nil, err
	}
	flaw, err := ParseFlaw(string(opts.Flaw))
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, users: demoUsers(), browsers: map[string]*browser{}, served: make(chan struct{}),
		devices: newDeviceStore(), dpop: newDPoPState(opts.Clock), usedJTIs: newJTICache(opts.Clock)}
	s.flaw.Store(flaw)
	s.short.Store(opts.ShortLifetimes)
	s.requirePAR.Store(opts.RequirePAR)
	s.dpopNonce.Store(opts.DPoPNonce)
	s.selfContained.Store(opts.SelfContained)
	if err := s.initKeys(); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("demo IdP: listen on %s: %w (choose another port, or 0 for a random one)", opts.Addr, err)
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		ln.Close()
		return nil, fmt.Errorf("demo IdP: %s resolved to %s, which is not a loopback address", opts.Addr, ln.Addr())
	}
	s.ln = ln
	s.issuer = "http://" + ln.Addr().String()
	if err := s.initProvider(); err != nil {
		ln.Close()
		return nil, err
	}
	s.http = &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: nil}
	go func() {
		defer close(s.served)
		_ = s.http.Serve(ln)
	}()
	return s, nil
}

// checkLoopback refuses any address that is not a loopback IP literal (or "localhost").
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("demo IdP: address %q is not host:port: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("demo IdP: refusing to listen on %q: it only runs on a loopback address such as 127.0.0.1 or [::1]", addr)
	}
	return nil
}

func (s *Server) initKeys() error {
	keys, err := newKeyRing(s.opts.KeyGrace, s.opts.Clock)
	if err != nil {
		return err
	}
	s.keys = keys
	ck, err := newRSAKey()
	if err != nil {
		return err
	}
	s.clientKey, s.clientKid = ck.priv, ck.kid
	if s.external, err = newRSAKey(); err != nil {
		return err
	}
	s.csrfKey = make([]byte, 32)
	_, err = rand.Read(s.csrfKey)
	return err
}

// config overrides fosite's static configuration where values change at run
// time (lifetimes) or depend on the bound address (token URLs).
type config struct {
	*fosite.Config
	s *Server
}

func (c *config) GetAccessTokenLifespan(context.Context) time.Duration {
	return c.s.Lifetimes().AccessToken
}
func (c *config) GetIDTokenLifespan(context.Context) time.Duration { return c.s.Lifetimes().IDToken }
func (c *config) GetRefreshTokenLifespan(context.Context) time.Duration {
	return c.s.Lifetimes().RefreshToken
}

// GetTokenURLs lists the accepted aud values of a private_key_jwt client
// assertion: the token endpoint (OIDC Core 9), the issuer (RFC 7523 as
// updated by later drafts) and the other endpoints that take assertions.
func (c *config) GetTokenURLs(context.Context) []string {
	i := c.s.issuer
	return []string{i + "/token", i, i + "/introspect", i + "/revoke", i + "/device_authorization", i + "/par"}
}

// EnforcePushedAuthorize makes the authorization endpoint refuse requests
// that were not pushed first (RFC 9126 section 5), while SetRequirePAR is on.
func (c *config) EnforcePushedAuthorize(context.Context) bool { return c.s.RequirePAR() }

// GetPushedAuthorizeContextLifespan is the request_uri lifetime (expires_in).
func (c *config) GetPushedAuthorizeContextLifespan(context.Context) time.Duration { return parLifetime }

// GetClientAuthenticationStrategy authenticates the federated client with an
// assertion from the external issuer, every other client as fosite does.
func (c *config) GetClientAuthenticationStrategy(context.Context) fosite.ClientAuthenticationStrategy {
	return c.s.authenticateClientStrategy
}

func (s *Server) initProvider() error {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	fc := &fosite.Config{
		IDTokenIssuer:                  s.issuer,
		AccessTokenIssuer:              s.issuer,
		AuthorizeCodeLifespan:          authorizeCodeLifetime,
		JWTScopeClaimKey:               jwt.JWTScopeFieldString, // RFC 9068: "scope" as a string
		EnforcePKCEForPublicClients:    true,
		EnablePKCEPlainChallengeMethod: false,
		GlobalSecret:                   secret,
		SendDebugMessagesToClients:     true,
		ScopeStrategy:                  fosite.ExactScopeStrategy,
		AudienceMatchingStrategy:       fosite.ExactAudienceMatchingStrategy,
		MinParameterEntropy:            fosite.MinParameterEntropy,
	}
	fc.ClientSecretsHasher = &fosite.BCrypt{Config: fc}
	cfg := &config{Config: fc, s: s}

	store := &parStore{MemoryStore: storage.NewMemoryStore(), used: map[string]time.Time{}}
	s.store = store
	s.clients = demoClients(s.clientKid, s.opts.ExactRedirectURI, s.ExternalIssuer())
	for _, c := range s.clients {
		fcl, err := fositeClient(c, &s.clientKey.PublicKey)
		if err != nil {
			return err
		}
		store.Clients[c.ID] = fcl
	}
	s.trustAssertionIssuers(store.MemoryStore)

	idSigner := &signer{keys: s.keys, kind: idToken, flaw: s.Flaw}
	atSigner := &signer{keys: s.keys, kind: accessToken, flaw: s.Flaw}
	strategy := &compose.CommonStrategy{
		CoreStrategy: &oauth2.DefaultJWTStrategy{
			Signer:          atSigner,
			HMACSHAStrategy: compose.NewOAuth2HMACStrategy(cfg),
			Config:          cfg,
		},
		OpenIDConnectTokenStrategy: &openid.DefaultStrategy{Signer: idSigner, Config: cfg},
		Signer:                     idSigner,
	}
	s.provider = composeProvider(cfg, store, strategy,
		compose.OAuth2AuthorizeExplicitFactory,
		compose.OAuth2ClientCredentialsGrantFactory,
		compose.OAuth2RefreshTokenGrantFactory,
		compose.OpenIDConnectExplicitFactory,
		compose.OpenIDConnectRefreshFactory,
		compose.OAuth2TokenIntrospectionFactory,
		compose.OAuth2TokenRevocationFactory,
		compose.OAuth2PKCEFactory,
		compose.PushedAuthorizeHandlerFactory,
		compose.RFC7523AssertionGrantFactory,
		s.deviceTokenFactory,   // RFC 8628: fosite v0.49.0 has no handler of its own
		s.exchangeTokenFactory, // RFC 8693: nor for token exchange
	)
	return nil
}

// composeProvider is compose.Compose for a Configurator that is not a bare *fosite.Config.
func composeProvider(cfg *config, store any, strategy any, factories ...compose.Factory) *fosite.Fosite {
	p := fosite.NewOAuth2Provider(store.(fosite.Storage), cfg)
	for _, factory := range factories {
		res := factory(cfg, store, strategy)
		if h, ok := res.(fosite.AuthorizeEndpointHandler); ok {
			cfg.AuthorizeEndpointHandlers.Append(h)
		}
		if h, ok := res.(fosite.TokenEndpointHandler); ok {
			cfg.TokenEndpointHandlers.Append(h)
		}
		if h, ok := res.(fosite.TokenIntrospector); ok {
			cfg.TokenIntrospectionHandlers.Append(h)
		}
		if h, ok := res.(fosite.RevocationHandler); ok {
			cfg.RevocationHandlers.Append(h)
		}
		if h, ok := res.(fosite.PushedAuthorizeEndpointHandler); ok {
			cfg.PushedAuthorizeEndpointHandlers.Append(h)
		}
	}
	return p
}

// Issuer is the issuer identifier and base URL, e.g. "http://127.0.0.1:PORT".
func (s *Server) Issuer() string { return s.issuer }

// Close stops serving and waits for the server goroutine to end.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err := s.http.Shutdown(ctx)
	if err != nil {
		err = errors.Join(err, s.http.Close())
	}
	<-s.served
	return err
}

// Clients lists the registered clients (copies).
func (s *Server) Clients() []Client {
	out := make([]Client, len(s.clients))
	for i, c := range s.clients {
		c.RedirectURIs = append([]string(nil), c.RedirectURIs...)
		c.GrantTypes = append([]string(nil), c.GrantTypes...)
		c.Scopes = append([]string(nil), c.Scopes...)
		c.Audience = append([]string(nil), c.Audience...)
		out[i] = c
	}
	return out
}

// Users lists the demo users (copies).
func (s *Server) Users() []User {
	out := make([]User, len(s.users))
	for i, u := range s.users {
		u.Groups = append([]string(nil), u.Groups...)
		out[i] = u
	}
	return out
}

// ClientKeyPEM is the private key (PKCS#8 PEM) of the private_key_jwt client JWTClientID.
func (s *Server) ClientKeyPEM() []byte {
	p, err := pkcs8PEM(s.clientKey)
	if err != nil {
		return nil // cannot happen for a generated RSA key
	}
	return p
}

// ClientKeyID is the kid registered for the private_key_jwt client's key.
func (s *Server) ClientKeyID() string { return s.clientKid }

// SigningKeyID is the kid of the key new tokens are signed with.
func (s *Server) SigningKeyID() string { return s.keys.signer().kid }

// KeyIDs lists the kids in the JWKS: the current key first, then retired
// keys still in their grace period.
func (s *Server) KeyIDs() []string {
	var ids []string
	for _, k := range s.keys.published() {
		ids = append(ids, k.kid)
	}
	return ids
}

// RotateKey makes a new signing key current and returns its kid. The old key
// stays in the JWKS (and accepted) for Options.KeyGrace.
func (s *Server) RotateKey() (string, error) { return s.keys.rotate() }

// SetShortLifetimes switches to short lifetimes (30 s access and ID tokens,
// 5 min refresh tokens) or back. It applies to tokens issued afterwards.
func (s *Server) SetShortLifetimes(on bool) { s.short.Store(on) }

// Lifetimes returns the lifetimes in effect.
func (s *Server) Lifetimes() Lifetimes {
	if s.short.Load() {
		return Lifetimes{ShortAccessTokenLifetime, ShortIDTokenLifetime, ShortRefreshTokenLifetime}
	}
	return Lifetimes{
		AccessToken:  orDefault(s.opts.AccessTokenLifetime, DefaultAccessTokenLifetime),
		IDToken:      orDefault(s.opts.IDTokenLifetime, DefaultIDTokenLifetime),
		RefreshToken: orDefault(s.opts.RefreshTokenLifetime, DefaultRefreshTokenLifetime),
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// SetFlaw makes tokens issued from now on carry flaw f (FlawNone for correct
// tokens). An unknown value is treated as FlawNone.
func (s *Server) SetFlaw(f Flaw) {
	if _, err := ParseFlaw(string(f)); err != nil || f == "" {
		f = FlawNone
	}
	s.flaw.Store(f)
}

// Flaw returns the flaw in effect.
func (s *Server) Flaw() Flaw { return s.flaw.Load().(Flaw) }

// SetRequirePAR makes the authorization endpoint accept only pushed
// authorization requests (RFC 9126 section 5:
// require_pushed_authorization_requests), or lifts that requirement.
func (s *Server) SetRequirePAR(on bool) { s.requirePAR.Store(on) }

// RequirePAR reports whether pushed authorization requests are required.
func (s *Server) RequirePAR() bool { return s.requirePAR.Load() }

// SetDPoPNonce makes the token, PAR and userinfo endpoints require a server
// nonce in DPoP proofs (RFC 9449 sections 8 and 9), or stops requiring it.
func (s *Server) SetDPoPNonce(on bool) { s.dpopNonce.Store(on) }

// SetSelfContained makes the provider behave like the many that issue
// self-contained JWT access tokens and neither introspect nor revoke them:
// introspection and revocation of a JWT answer 400 unsupported_token_type
// (RFC 7009 section 2.2.1); opaque refresh tokens are still served. Off
// again, every token is served.
func (s *Server) SetSelfContained(on bool) { s.selfContained.Store(on) }

// SelfContained reports whether JWTs are refused at introspection and revocation.
func (s *Server) SelfContained() bool { return s.selfContained.Load() }

// DPoPNonce reports whether DPoP proofs must carry a server nonce.
func (s *Server) DPoPNonce() bool { return s.dpopNonce.Load() }

// endpoint returns the absolute URL of path.
func (s *Server) endpoint(path string) string { return s.issuer + path }

// logRequests writes "METHOD /path STATUS" lines; the query (codes, tokens) is never logged.
func logRequests(w io.Writer, next http.Handler) http.Handler {
	var mu sync.Mutex
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: rw, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%s %s %s %d\n", time.Now().Format("15:04:05"), termesc.String(r.Method), termesc.Quote(r.URL.Path), rec.status)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
