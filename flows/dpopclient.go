package flows

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
)

// The client side of DPoP (RFC 9449): a proof on every request to the
// token and PAR endpoints and on every call presenting a DPoP-bound token,
// the servers' nonces, and what a result says about the binding.

// DPoPKey returns the client's DPoP key, nil when DPoP is off.
func (c *Client) DPoPKey() *DPoPKey { return c.dpop }

// sendDPoP sends the request build makes, with a fresh DPoP proof when the
// client has a DPoP key and proof is set (accessToken then gives ath). When
// the server asks for a nonce (RFC 9449 §8: 400 use_dpop_nonce at an
// authorization server; §9: 401 with a DPoP use_dpop_nonce challenge at a
// resource server) it retries once with a new proof carrying that nonce;
// build is called again, so client assertions are fresh too. Every
// DPoP-Nonce answer header replaces the nonce kept for that server.
func (c *Client) sendDPoP(ctx context.Context, endpoint string, proof bool, accessToken string, build func() (*http.Request, error)) (*http.Response, []byte, error) {
	for attempt := 0; ; attempt++ {
		req, err := build()
		if err != nil {
			return nil, nil, err
		}
		target := req.URL.String()
		if proof && c.dpop != nil {
			p, err := c.dpop.Proof(req.Method, target, accessToken, c.nonces.get(target), c.now())
			if err != nil {
				return nil, nil, err
			}
			req.Header.Set("DPoP", p)
		}
		resp, body, err := c.send(ctx, endpoint, req)
		if err != nil {
			return nil, nil, err
		}
		nonce := resp.Header.Get("DPoP-Nonce")
		c.nonces.set(target, nonce)
		if !proof || c.dpop == nil || attempt > 0 || nonce == "" || !asksForNonce(resp, body) {
			return resp, body, nil
		}
	}
}

// asksForNonce recognises a use_dpop_nonce answer of an authorization
// server (400, JSON error) or a resource server (401, WWW-Authenticate).
func asksForNonce(resp *http.Response, body []byte) bool {
	switch resp.StatusCode {
	case http.StatusBadRequest:
		var e struct {
			Error string `json:"error"`
		}
		return json.Unmarshal(body, &e) == nil && e.Error == "use_dpop_nonce"
	case http.StatusUnauthorized:
		for _, h := range resp.Header.Values("WWW-Authenticate") {
			if strings.HasPrefix(strings.ToLower(h), "dpop") && authParams(h)["error"] == "use_dpop_nonce" {
				return true
			}
		}
	}
	return false
}

// presentsDPoP decides how an access token is presented to a resource: with
// the DPoP scheme and a proof when a token response of this client called
// it DPoP, when it is a JWT with cnf.jkt, or, for a token the client knows
// nothing about, when DPoP is on (RFC 9449 §7.1).
func (c *Client) presentsDPoP(accessToken string) bool {
	if c.dpop == nil {
		return false
	}
	c.mu.Lock()
	typ, known := c.tokenTypes[AccessTokenHash(accessToken)]
	c.mu.Unlock()
	if known {
		return strings.EqualFold(typ, DPoPTokenType)
	}
	if claims, isJWT := unverifiedClaims(accessToken); isJWT {
		_, bound := claims["cnf"]
		return bound
	}
	return true
}

// boundAccessToken returns tok when it is an access token bound to this
// client's DPoP key (a DPoP token response of this client, or a JWT with
// cnf), so that a proof presenting it carries ath; "" for refresh tokens and
// tokens the client cannot tell are bound.
func (c *Client) boundAccessToken(tok, hint string) string {
	if c.dpop == nil || hint == "refresh_token" {
		return ""
	}
	c.mu.Lock()
	typ, known := c.tokenTypes[AccessTokenHash(tok)]
	c.mu.Unlock()
	if known && strings.EqualFold(typ, DPoPTokenType) {
		return tok
	}
	if claims, isJWT := unverifiedClaims(tok); isJWT {
		if _, bound := claims["cnf"]; bound {
			return tok
		}
	}
	return ""
}

// unverifiedClaims decodes the payload of a compact JWS without checking
// anything; isJWT is false for an opaque token.
func unverifiedClaims(raw string) (claims map[string]json.RawMessage, isJWT bool) {
	parts := strings.Split(strings.TrimSpace(raw), ".")
	if len(parts) != 3 {
		return nil, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(payload, &claims) != nil {
		return nil, false
	}
	return claims, true
}

// rememberTokenType records the token_type of an issued access token.
func (c *Client) rememberTokenType(accessToken, typ string) {
	if accessToken == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tokenTypes == nil {
		c.tokenTypes = map[string]string{}
	}
	c.tokenTypes[AccessTokenHash(accessToken)] = typ
}

// DPoPBinding says whether a result's access token is bound to this
// client's DPoP key (RFC 9449 §6): the token_type of the response, the
// token's cnf.jkt (JWT access tokens), and a verdict in words.
type DPoPBinding struct {
	KeyThumbprint string `json:"key_thumbprint"`    // the RFC 7638 thumbprint of this app's key
	Algorithm     string `json:"alg"`               // of the proofs
	TokenType     string `json:"token_type"`        // as the token response said
	JKT           string `json:"cnf_jkt,omitempty"` // the access token's cnf.jkt, when it is a JWT
	Bound         bool   `json:"bound"`             // token_type DPoP, and cnf.jkt (if visible) is this key's
	Verdict       string `json:"verdict"`
}

// dpopBinding builds a result's DPoPBinding (nil when DPoP is off).
func (c *Client) dpopBinding(tokenType string, at *Inspected) *DPoPBinding {
	if c.dpop == nil {
		return nil
	}
	b := &DPoPBinding{KeyThumbprint: c.dpop.Thumbprint(), Algorithm: c.dpop.Algorithm(), TokenType: tokenType, JKT: TokenJKT(at)}
	switch {
	case !strings.EqualFold(tokenType, DPoPTokenType):
		b.Verdict = "not bound: the provider answered token_type " + quoteOr(tokenType, "(none)") +
			", not DPoP, so anyone holding the token can use it (RFC 9449 §5); enable DPoP for the client at the provider"
	case b.JKT == "":
		b.Bound = true
		b.Verdict = "token_type DPoP: bound to this app's DPoP key (the token is opaque, so cnf.jkt is not visible here; introspection shows it)"
	default:
		b.Verdict = BindingVerdict(b.JKT, c.dpop)
		b.Bound = b.JKT == c.dpop.Thumbprint()
	}
	return b
}

func quoteOr(s, empty string) string {
	if s == "" {
		return empty
	}
	return `"` + s + `"`
}

// BindingVerdict compares a token's cnf.jkt with key: "bound to this app's
// DPoP key", "bound to another key", or "not DPoP-bound" (key may be nil).
func BindingVerdict(jkt string, key *DPoPKey) string {
	switch {
	case jkt == "":
		return "not DPoP-bound (no cnf.jkt)"
	case key == nil:
		return "DPoP-bound to the key with thumbprint " + jkt + "; this app holds no DPoP key, so it cannot use the token"
	case jkt == key.Thumbprint():
		return "bound to this app's DPoP key (cnf.jkt " + jkt + ")"
	}
	return "bound to another key: cnf.jkt " + jkt + " is not this app's DPoP key (" + key.Thumbprint() + "); calls with this token will be refused"
}

// TokenJKT returns the cnf.jkt claim of an inspected JWT ("" when there is
// none, or the token is opaque or undecodable).
func TokenJKT(in *Inspected) string {
	if in == nil || in.Err != nil || in.Report == nil {
		return ""
	}
	for _, cl := range in.Report.Claims {
		if cl.Name != "cnf" {
			continue
		}
		var cnf struct {
			JKT string `json:"jkt"`
		}
		if json.Unmarshal(cl.Value, &cnf) == nil {
			return cnf.JKT
		}
	}
	return ""
}
