package flows

import (
	"context"

	"github.com/tokeninspector/tokeninspector/provider"
	"github.com/tokeninspector/tokeninspector/token"
)

// keySource is the issuer's JWKS through the shared cache. When there is
// none (no jwks_uri, discovery failed) it is a source that fails with that
// error, so the signature verdict says why it could not be checked.
func (c *Client) keySource(ctx context.Context) token.KeySource {
	keys, err := c.KeySource(ctx)
	if err != nil {
		return failedKeys{err}
	}
	return keys
}

// failedKeys is a key source that could not be set up.
type failedKeys struct{ err error }

func (f failedKeys) Lookup(context.Context, string) (token.KeyLookup, error) {
	return token.KeyLookup{}, f.err
}

// KeySource returns the profile's JWKS key source (discovering the jwks_uri
// if needed), for inspecting tokens obtained elsewhere.
func (c *Client) KeySource(ctx context.Context) (token.KeySource, error) {
	u, err := c.endpoint(ctx, "jwks")
	if err != nil {
		return nil, err
	}
	return c.jwks.sourceFor(u, c.trust(), c.hc), nil
}

// trust names the profile's TLS trust settings for the JWKS cache: keys
// fetched without verification, or with an extra CA, are cached apart.
func (c *Client) trust() string {
	switch {
	case c.cfg.Insecure:
		return "insecure"
	case c.cfg.CAFile != "":
		return "ca:" + c.cfg.CAFile
	}
	return ""
}

func (c *Client) baseOptions(keys token.KeySource) token.Options {
	return token.Options{Keys: keys, Issuer: c.issuer(), Skew: c.cfg.Skew.D(), Clock: c.now}
}

// requestedAudience is what the access token's aud must contain: the
// audience asked for, or the single resource indicator (RFC 8707). With
// none, aud is shown but not checked.
func (c *Client) requestedAudience() string {
	if c.cfg.Audience != "" {
		return c.cfg.Audience
	}
	if len(c.cfg.Resources) == 1 {
		return c.cfg.Resources[0]
	}
	return ""
}

// accessTokenOptions checks a JWT access token: RFC 9068 when it declares
// "at+jwt" or the profile asks for it, and the scopes the profile requires.
func (c *Client) accessTokenOptions(keys token.KeySource) token.Options {
	o := c.baseOptions(keys)
	o.Expect = token.ExpectAccessToken
	o.Audience = c.requestedAudience()
	o.ClientID = c.cfg.ClientID
	o.RFC9068 = c.cfg.RFC9068
	o.RequiredScopes = c.cfg.RequiredScopes
	return o
}

// idTokenOptions checks an ID token (OIDC Core §3.1.3.7): aud is the client,
// the nonce the one sent, at_hash the access token; after a refresh, §12.2.
func (c *Client) idTokenOptions(keys token.KeySource, accessToken string, x resultExtra) token.Options {
	o := c.baseOptions(keys)
	o.Expect = token.ExpectIDToken
	o.Audience = c.cfg.ClientID
	o.ClientID = c.cfg.ClientID
	o.AccessToken = accessToken
	o.Nonce = x.nonce
	if x.original != nil && x.original.IDToken != nil {
		o.Original = x.original.IDToken.Report
	}
	return o
}

// inspect runs provider.Inspect (token.Inspect and the provider's
// diagnoses); a token that cannot be decoded keeps its error.
func (c *Client) inspect(ctx context.Context, raw string, opts token.Options) *Inspected {
	if raw == "" {
		return nil
	}
	r, err := provider.Inspect(ctx, raw, opts)
	return &Inspected{Raw: raw, Report: r, Err: err}
}
