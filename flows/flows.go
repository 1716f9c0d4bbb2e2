// Package flows is the OAuth 2.0 / OpenID Connect client engine of Token
// Inspector: discovery (OIDC Discovery 1.0, RFC 8414) with a lint, the
// authorization code + PKCE login through the system browser and a loopback
// redirect (RFC 8252, RFC 7636), refresh, client credentials, the device
// authorization grant (RFC 8628), introspection (RFC 7662), revocation
// (RFC 7009), userinfo, client authentication (including RFC 7523 JWT
// assertions), a shared JWKS cache, and a redacted transcript of every HTTP
// exchange.
//
// It never imports Fyne: the GUI and the CLI both drive a [Client]. Token
// results are inspected with package token. The protocol work is done by
// golang.org/x/oauth2 and go-jose where they cover it.
package flows

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tokeninspector/tokeninspector/settings"
)

// Config is one profile's settings, the client's secrets and the login
// timeout: everything a [Client] needs.
type Config struct {
	settings.Settings
	ClientSecret string
	PrivateKey   []byte        // PEM or JWK, for private_key_jwt
	LoginTimeout time.Duration // whole login; 0 => DefaultLoginTimeout
	// ClientAssertion is a JWT issued by someone else that authenticates
	// the client (RFC 7523 §2.2); it overrides Settings.ClientAssertionFile.
	ClientAssertion string
	// DPoPKey is the key DPoP proofs are made with; nil with Settings.DPoP
	// means a new ES256 key for this client (one per session).
	DPoPKey *DPoPKey
}

// DefaultLoginTimeout bounds a login when neither the context nor the
// config sets a shorter one.
const DefaultLoginTimeout = 5 * time.Minute

// Option configures a [Client].
type Option func(*Client)

// WithBrowser sets how the authorization URL is opened (default
// [OpenBrowser]). Tests inject a stand-in browser here.
func WithBrowser(open func(ctx context.Context, url string) error) Option {
	return func(c *Client) { c.browser = open }
}

// WithClock sets the clock used for token checks and client assertions.
func WithClock(now func() time.Time) Option {
	return func(c *Client) { c.now = now }
}

// WithTranscript records the client's exchanges into t (default: a new
// transcript per client).
func WithTranscript(t *Transcript) Option {
	return func(c *Client) { c.transcript = t }
}

// WithJWKSCache sets the JWKS cache (default: [DefaultJWKSCache], shared by
// the process).
func WithJWKSCache(cache *JWKSCache) Option {
	return func(c *Client) { c.jwks = cache }
}

// Client runs flows for one profile. It is safe for concurrent use; it holds
// one http.Client with the profile's TLS settings and timeouts.
type Client struct {
	cfg        Config // immutable after NewClient, except endpoints (below)
	hc         *http.Client
	auth       *clientAuth
	transcript *Transcript
	browser    func(ctx context.Context, url string) error
	now        func() time.Time
	jwks       *JWKSCache
	after      func(d time.Duration) <-chan time.Time // device polling; tests shorten it

	dpop   *DPoPKey   // nil: no DPoP
	nonces dpopNonces // DPoP-Nonce of each server

	mu         sync.Mutex // guards endpoints, discovery and tokenTypes
	endpoints  settings.Endpoints
	discovery  *Discovery
	tokenTypes map[string]string // token_type of the access tokens issued, by AccessTokenHash
}

// NewClient checks cfg and builds its client.
func NewClient(cfg Config, opts ...Option) (*Client, error) {
	cfg.Issuer = strings.TrimSpace(cfg.Issuer)
	if cfg.Issuer == "" && cfg.Endpoints.IsZero() {
		return nil, errors.New("no issuer and no endpoints: give an issuer URL (for discovery) or the endpoints by hand")
	}
	c := &Client{cfg: cfg, endpoints: cfg.Endpoints, browser: OpenBrowser, now: time.Now, jwks: DefaultJWKSCache, after: time.After}
	for _, o := range opts {
		o(c)
	}
	if c.transcript == nil {
		c.transcript = &Transcript{}
	}
	auth, err := newClientAuth(cfg, func() time.Time { return c.now() })
	if err != nil {
		return nil, err
	}
	c.auth = auth
	auth.issuer = c.issuer
	if c.dpop = cfg.DPoPKey; c.dpop == nil && cfg.DPoP {
		if c.dpop, err = NewDPoPKey(); err != nil {
			return nil, err
		}
	}
	rec := &recorder{transcript: c.transcript, name: c.endpointName}
	if c.hc, err = newHTTPClient(cfg, rec); err != nil {
		return nil, err
	}
	return c, nil
}

// Config returns the client's configuration, with discovered endpoints filled in.
func (c *Client) Config() Config {
	cfg := c.cfg
	cfg.Endpoints = c.currentEndpoints()
	return cfg
}

// Transcript returns the exchanges so far, oldest first.
func (c *Client) Transcript() []Exchange { return c.transcript.Exchanges() }

// TranscriptLog returns the live transcript, to subscribe to.
func (c *Client) TranscriptLog() *Transcript { return c.transcript }

// HTTPClient returns the profile's HTTP client (TLS settings, timeouts, transcript).
func (c *Client) HTTPClient() *http.Client { return c.hc }

// Insecure reports whether TLS verification is off for this client.
func (c *Client) Insecure() bool { return c.cfg.Insecure }

func (c *Client) currentEndpoints() settings.Endpoints {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.endpoints
}

// endpointName names an endpoint by its URL, for the transcript.
func (c *Client) endpointName(u *url.URL) string {
	e := c.currentEndpoints()
	for _, ep := range settings.EndpointList[1:] { // not the authorization endpoint: the browser goes there
		if v := ep.Get(e); v != "" && v == u.String() {
			return ep.Name
		}
	}
	if strings.Contains(u.Path, "/.well-known/") {
		return "discovery"
	}
	return u.Host
}

// endpoint returns the URL of the named endpoint, discovering it when the
// profile has an issuer and the endpoint was not given by hand.
func (c *Client) endpoint(ctx context.Context, name string) (string, error) {
	if u := c.currentEndpoints().Get(name); u != "" {
		return u, nil
	}
	if c.cfg.Issuer != "" && c.discovered() == nil {
		if _, err := c.Discover(ctx); err != nil {
			return "", fmt.Errorf("find the %s endpoint: %w", name, err)
		}
		if u := c.currentEndpoints().Get(name); u != "" {
			return u, nil
		}
	}
	return "", fmt.Errorf("%w: the profile has no %s endpoint and discovery did not give one; set it by hand", ErrNoEndpoint, name)
}

func (c *Client) discovered() *Discovery {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.discovery
}

// Issuer returns the issuer tokens are checked against: the configured
// one, or after discovery the issuer exactly as the metadata writes it.
func (c *Client) Issuer() string { return c.issuer() }

// issuer is the expected iss of tokens: the discovered issuer (identical to
// the configured one, or a variant discovery accepted: see issuerVariant),
// else the configured one.
func (c *Client) issuer() string {
	if d := c.discovered(); d != nil && d.Issuer != "" {
		return d.Issuer
	}
	return c.cfg.Issuer
}
