package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/tokeninspector/tokeninspector/token"
)

// Result is a token response and the inspection of every token in it.
type Result struct {
	Grant     string         `json:"grant"` // "authorization_code", "refresh_token", "client_credentials", "device_code"
	Issuer    string         `json:"issuer,omitempty"`
	Raw       map[string]any `json:"response"` // the token response as received (tokens included)
	TokenType string         `json:"token_type,omitempty"`
	Scope     string         `json:"scope,omitempty"`
	ExpiresIn int64          `json:"expires_in,omitempty"`
	Expiry    time.Time      `json:"expiry,omitzero"` // from expires_in and the client's clock
	// RefreshExpiresIn is the non-standard refresh_expires_in (Keycloak) and
	// RefreshExpiry the time it gives.
	RefreshExpiresIn int64     `json:"refresh_expires_in,omitempty"`
	RefreshExpiry    time.Time `json:"refresh_expiry,omitzero"`

	AccessToken  *Inspected `json:"access_token,omitempty"`
	IDToken      *Inspected `json:"id_token,omitempty"`
	RefreshToken *Inspected `json:"refresh_token,omitempty"`

	RedirectURI string `json:"redirect_uri,omitempty"` // the loopback redirect of a login
	PAR         bool   `json:"par,omitempty"`          // the authorization request was pushed (RFC 9126)
	// DPoP says whether the access token is bound to this app's DPoP key
	// (RFC 9449); nil when DPoP is off.
	DPoP *DPoPBinding `json:"dpop,omitempty"`
	// ClientAssertion is what the client assertion issued by someone else
	// looked like when it was sent (RFC 7523 §2.2); nil otherwise.
	ClientAssertion *AssertionCheck `json:"client_assertion,omitempty"`
	Insecure        bool            `json:"insecure"` // TLS verification was off

	// Failures are problems of the response as a whole, such as a login
	// that asked for openid and got no ID token. Any failure makes OK false.
	Failures []string `json:"failures,omitempty"`

	nonce string // sent with the login, for the ID token check
}

// OK reports whether every JWT in the result verified and passed its checks
// (opaque tokens count as fine: there is nothing to verify locally) and the
// response has no [Result.Failures].
func (r *Result) OK() bool {
	if len(r.Failures) > 0 {
		return false
	}
	for _, in := range []*Inspected{r.AccessToken, r.IDToken} {
		if in != nil && !in.OK() {
			return false
		}
	}
	return true
}

// Inspected is one token and its inspection.
type Inspected struct {
	Raw    string
	Report *token.Report
	Err    error // the token could not be decoded (a *token.DecodeError)
}

// OK reports a valid signature and no failed check, or a token the client
// cannot verify by design: an opaque one, or one a provider diagnosis
// explains (signed or encrypted with a key the issuer never publishes, or
// in the provider's own signing format), as long as no check failed.
func (in *Inspected) OK() bool {
	if in.Err != nil {
		return false
	}
	r := in.Report
	switch {
	case r.Kind == token.KindOpaque || r.OK():
		return true
	case r.Signature.Code != token.CodeKeyNotPublished && r.Signature.Code != token.CodeProviderFormat:
		return false
	}
	for _, c := range r.Checks {
		if c.Status == token.Fail {
			return false
		}
	}
	return true
}

// MarshalJSON writes the inspection report (the schema of `inspect --json`),
// or {"error": ...} when the token could not be decoded.
func (in *Inspected) MarshalJSON() ([]byte, error) {
	if in.Err != nil {
		return json.Marshal(map[string]string{"error": in.Err.Error()})
	}
	return json.Marshal(in.Report)
}

// oauth2Config is the x/oauth2 view of the client, for the authorization
// request and PKCE; token requests go through tokenRequest.
func (c *Client) oauth2Config(authURL, redirect string) *oauth2.Config {
	return &oauth2.Config{
		ClientID:    c.cfg.ClientID,
		Endpoint:    oauth2.Endpoint{AuthURL: authURL},
		RedirectURL: redirect,
		Scopes:      c.cfg.Scopes,
	}
}

// exchange redeems an authorization code (RFC 6749 §4.1.3) with the PKCE
// verifier (RFC 7636 §4.5) and every resource indicator (RFC 8707 §2.2).
func (c *Client) exchange(ctx context.Context, tokenURL, redirectURI, code, verifier string) (map[string]any, error) {
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI}, "code_verifier": {verifier}}
	if len(c.cfg.Resources) > 0 {
		form["resource"] = c.cfg.Resources
	}
	return c.tokenRequest(ctx, tokenURL, form)
}

// Refresh redeems a refresh token (RFC 6749 §6). original is the result the
// token came from (may be nil): the new ID token is checked against its ID
// token (OIDC Core §12.2), and its refresh token is kept when the server
// does not rotate it.
func (c *Client) Refresh(ctx context.Context, refreshToken string, original *Result) (*Result, error) {
	refreshToken = strings.TrimSpace(refreshToken)
	if refreshToken == "" {
		return nil, errors.New("no refresh token: log in with the offline_access scope, or give one")
	}
	tokenURL, err := c.endpoint(ctx, "token")
	if err != nil {
		return nil, err
	}
	raw, err := c.tokenRequest(ctx, tokenURL, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}})
	if err != nil {
		return nil, fmt.Errorf("refresh: %w", annotate(err, "refresh_token", ""))
	}
	return c.result(ctx, "refresh_token", raw, resultExtra{original: original, keptRefresh: refreshToken}), nil
}

// ClientCredentials requests a token for the client itself (RFC 6749 §4.4).
func (c *Client) ClientCredentials(ctx context.Context) (*Result, error) {
	tokenURL, err := c.endpoint(ctx, "token")
	if err != nil {
		return nil, err
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(c.cfg.Scopes) > 0 {
		form.Set("scope", strings.Join(c.cfg.Scopes, " "))
	}
	if c.cfg.Audience != "" {
		form.Set("audience", c.cfg.Audience)
	}
	if len(c.cfg.Resources) > 0 {
		form["resource"] = c.cfg.Resources // RFC 8707 §2: one parameter per resource
	}
	raw, err := c.tokenRequest(ctx, tokenURL, form)
	if err != nil {
		return nil, fmt.Errorf("client credentials: %w", annotate(err, "client_credentials", ""))
	}
	return c.result(ctx, "client_credentials", raw, resultExtra{}), nil
}

// tokenRequest is the one path of every grant to the token endpoint
// (RFC 6749 §3.2): it posts the form with the client's authentication (a
// fresh assertion each time for the JWT methods, RFC 7523) and returns the
// raw token response, or an *OAuthError (RFC 6749 §5.2) or *ResponseError.
func (c *Client) tokenRequest(ctx context.Context, tokenURL string, form url.Values) (map[string]any, error) {
	resp, body, err := c.post(ctx, "token", tokenURL, form, true)
	if err != nil {
		return nil, err
	}
	raw, err := decodeObject("token", tokenURL, resp.StatusCode, resp.Header, body)
	if err != nil {
		return nil, c.explainAssertion(err)
	}
	at, ok := raw["access_token"].(string)
	if !ok {
		return nil, &ResponseError{Endpoint: "token", URL: tokenURL, Status: resp.StatusCode, Err: errors.New("the token response has no access_token")}
	}
	tt, _ := raw["token_type"].(string)
	c.rememberTokenType(at, tt)
	return raw, nil
}

// post sends a form, authenticated as the client when auth is set. The
// assertion audience is the token endpoint (RFC 7523 §3), as servers expect
// for every endpoint. Requests to the dpopEndpoints carry a DPoP proof when
// DPoP is on.
func (c *Client) post(ctx context.Context, endpoint, u string, form url.Values, auth bool) (*http.Response, []byte, error) {
	return c.postPresenting(ctx, endpoint, u, form, auth, "")
}

// postPresenting is post for a request that presents accessToken (an
// introspection or revocation of a DPoP-bound access token): its DPoP proof
// carries ath, the hash of that token (RFC 9449 §4.2). accessToken is "" for
// every other request.
func (c *Client) postPresenting(ctx context.Context, endpoint, u string, form url.Values, auth bool, accessToken string) (*http.Response, []byte, error) {
	build := func() (*http.Request, error) {
		h, f := http.Header{}, cloneValues(form)
		if auth {
			aud := c.currentEndpoints().Token
			if aud == "" {
				aud = u
			}
			if err := c.auth.apply(h, f, aud); err != nil {
				return nil, err
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(f.Encode()))
		if err != nil {
			return nil, fmt.Errorf("%s endpoint %q: %w", endpoint, redactURL(u), err)
		}
		for k, v := range h {
			req.Header[k] = v
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		return req, nil
	}
	return c.sendDPoP(ctx, endpoint, dpopEndpoints[endpoint], accessToken, build)
}

// dpopEndpoints get a DPoP proof when DPoP is on: the token and PAR
// endpoints (RFC 9449 §5, §10.1), and introspection and revocation, where
// providers such as Keycloak want one for a public client's bound tokens
// (a server that does not use DPoP there ignores the header).
var dpopEndpoints = map[string]bool{"token": true, "par": true, "introspection": true, "revocation": true}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// resultExtra is what a grant knows besides the token response.
type resultExtra struct {
	nonce       string  // sent with the authorization request
	original    *Result // the result a refresh token came from
	keptRefresh string  // the refresh token used, still valid when none is returned (RFC 6749 §6)
}

// result builds a Result from a raw token response and inspects its tokens.
func (c *Client) result(ctx context.Context, grant string, raw map[string]any, x resultExtra) *Result {
	str := func(k string) string { s, _ := raw[k].(string); return s }
	res := &Result{Grant: grant, Issuer: c.issuer(), TokenType: str("token_type"), Scope: str("scope"), Insecure: c.cfg.Insecure, nonce: x.nonce}
	res.ExpiresIn = number(raw["expires_in"])
	if res.ExpiresIn > 0 {
		res.Expiry = c.now().Add(time.Duration(res.ExpiresIn) * time.Second)
	}
	res.RefreshExpiresIn = number(raw["refresh_expires_in"])
	if res.RefreshExpiresIn > 0 {
		res.RefreshExpiry = c.now().Add(time.Duration(res.RefreshExpiresIn) * time.Second)
	}
	rt := str("refresh_token")
	if rt == "" {
		rt = x.keptRefresh
		if x.original != nil && res.RefreshExpiry.IsZero() { // the same refresh token: its expiry stands
			res.RefreshExpiresIn, res.RefreshExpiry = x.original.RefreshExpiresIn, x.original.RefreshExpiry
		}
	}
	res.Raw = raw
	keys := c.keySource(ctx)
	at := str("access_token")
	res.AccessToken = c.inspect(ctx, at, c.accessTokenOptions(keys))
	res.DPoP = c.dpopBinding(res.TokenType, res.AccessToken)
	res.ClientAssertion = c.auth.external.lastCheck()
	if id := str("id_token"); id != "" {
		res.IDToken = c.inspect(ctx, id, c.idTokenOptions(keys, at, x))
	}
	if rt != "" {
		res.RefreshToken = c.inspect(ctx, rt, c.baseOptions(keys))
	}
	return res
}

// number reads expires_in, which some servers send as a string.
func number(v any) int64 {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		if err != nil {
			f, _ := n.Float64()
			return int64(f)
		}
		return i
	case string:
		i, _ := strconv.ParseInt(n, 10, 64)
		return i
	case float64:
		return int64(n)
	}
	return 0
}
