package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/tokeninspector/tokeninspector/token"
)

// Introspection is an RFC 7662 §2.2 response; Raw is as received.
type Introspection struct {
	Active   bool           `json:"active"`
	Raw      map[string]any `json:"response"`
	Insecure bool           `json:"insecure"`
}

// Introspect asks the server about a token (RFC 7662 §2.1). hint is
// "access_token", "refresh_token" or "".
func (c *Client) Introspect(ctx context.Context, tok, hint string) (*Introspection, error) {
	u, err := c.endpoint(ctx, "introspection")
	if err != nil {
		return nil, fmt.Errorf("introspect: %w", err)
	}
	resp, body, err := c.postPresenting(ctx, "introspection", u, tokenForm(tok, hint), true, c.boundAccessToken(tok, hint))
	if err != nil {
		return nil, fmt.Errorf("introspect: %w", err)
	}
	raw, err := decodeObject("introspection", u, resp.StatusCode, resp.Header, body)
	if err != nil {
		return nil, fmt.Errorf("introspect: %w", err)
	}
	active, ok := raw["active"].(bool)
	if !ok {
		return nil, fmt.Errorf("introspect: %w", &ResponseError{Endpoint: "introspection", URL: u, Status: resp.StatusCode,
			Snippet: snippet(body), Err: errors.New("the response has no boolean \"active\" (RFC 7662 §2.2)")})
	}
	return &Introspection{Active: active, Raw: raw, Insecure: c.cfg.Insecure}, nil
}

// Revoke asks the server to revoke a token (RFC 7009 §2.1). The server
// answers 200 for unknown tokens too (§2.2), so success does not prove the
// token existed.
func (c *Client) Revoke(ctx context.Context, tok, hint string) error {
	u, err := c.endpoint(ctx, "revocation")
	if err != nil {
		return fmt.Errorf("revoke: %w", err)
	}
	resp, body, err := c.postPresenting(ctx, "revocation", u, tokenForm(tok, hint), true, c.boundAccessToken(tok, hint))
	if err != nil {
		return fmt.Errorf("revoke: %w", err)
	}
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	_, err = decodeObject("revocation", u, resp.StatusCode, resp.Header, body)
	if err == nil {
		err = &ResponseError{Endpoint: "revocation", URL: u, Status: resp.StatusCode, Err: errors.New("expected HTTP 200 (RFC 7009 §2.2)")}
	}
	return fmt.Errorf("revoke: %w", err)
}

func tokenForm(tok, hint string) url.Values {
	form := url.Values{"token": {strings.TrimSpace(tok)}}
	if hint != "" {
		form.Set("token_type_hint", hint)
	}
	return form
}

// UserInfo is the userinfo response (OIDC Core §5.3.2): a JSON object, or a
// signed JWT, which is then inspected too.
type UserInfo struct {
	Raw      map[string]any `json:"response,omitempty"` // the claims as received (JSON), or the JWT's claims
	JWT      *Inspected     `json:"jwt,omitempty"`      // when the response is application/jwt
	Insecure bool           `json:"insecure"`
	// SubCheck compares sub with the ID token's (OIDC Core 5.3.2); nil
	// until [UserInfo.CheckSubject] is given an ID token.
	SubCheck *token.Check `json:"sub_check,omitempty"`
}

// CheckSubject compares the userinfo sub with the sub of the ID token the
// access token came with (OIDC Core 5.3.2: they must be identical, or the
// response must not be used). A nil or undecodable ID token leaves SubCheck
// nil.
func (u *UserInfo) CheckSubject(idToken *Inspected) {
	if idToken == nil || idToken.Err != nil || idToken.Report == nil {
		return
	}
	want, ok := idToken.Report.Claims.String("sub")
	if !ok {
		return
	}
	got, _ := u.Raw["sub"].(string)
	c := token.Check{ID: "userinfo_sub", Status: token.Pass, Spec: "OIDC Core 5.3.2",
		Message: fmt.Sprintf("UserInfo sub %q is the ID token's sub", got)}
	switch {
	case got == "":
		c.Status, c.Message = token.Fail, "the UserInfo response has no sub (it must always be returned): do not use it"
	case got != want:
		c.Status, c.Message = token.Fail, fmt.Sprintf("UserInfo sub %q differs from the ID token's sub %q: the response belongs to another user and must not be used", got, want)
	}
	u.SubCheck = &c
}

// OK reports that a signed response verified and sub matched the ID
// token's (when it was compared).
func (u *UserInfo) OK() bool {
	return (u.JWT == nil || u.JWT.OK()) && (u.SubCheck == nil || u.SubCheck.Status != token.Fail)
}

// UserInfo calls the userinfo endpoint with the access token as a bearer
// token (RFC 6750 §2.1), or, for a DPoP-bound token, with the DPoP scheme
// and a proof carrying ath (RFC 9449 §7.1). A 401 with a WWW-Authenticate error becomes an
// *OAuthError.
func (c *Client) UserInfo(ctx context.Context, accessToken string) (*UserInfo, error) {
	u, err := c.endpoint(ctx, "userinfo")
	if err != nil {
		return nil, fmt.Errorf("userinfo: %w", err)
	}
	accessToken = strings.TrimSpace(accessToken)
	dpop := c.presentsDPoP(accessToken)
	scheme := "Bearer"
	if dpop {
		scheme = DPoPTokenType // RFC 9449 §7.1
	}
	resp, body, err := c.sendDPoP(ctx, "userinfo", dpop, accessToken, func() (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", scheme+" "+accessToken)
		req.Header.Set("Accept", "application/json, application/jwt")
		return req, nil
	})
	if err != nil {
		return nil, fmt.Errorf("userinfo: %w", err)
	}
	if oe := bearerError(resp, "userinfo"); oe != nil {
		return nil, fmt.Errorf("userinfo: %w", oe)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "application/jwt" && resp.StatusCode == http.StatusOK {
		return c.userInfoJWT(ctx, string(body)), nil
	}
	raw, err := decodeObject("userinfo", u, resp.StatusCode, resp.Header, body)
	if err != nil {
		return nil, fmt.Errorf("userinfo: %w", err)
	}
	return &UserInfo{Raw: raw, Insecure: c.cfg.Insecure}, nil
}

// userInfoJWT inspects a signed userinfo response (OIDC Core §5.3.2: iss
// and aud should be the issuer and the client).
func (c *Client) userInfoJWT(ctx context.Context, raw string) *UserInfo {
	o := c.baseOptions(c.keySource(ctx))
	o.Audience = c.cfg.ClientID
	in := c.inspect(ctx, strings.TrimSpace(raw), o)
	ui := &UserInfo{JWT: in, Insecure: c.cfg.Insecure}
	if in != nil && in.Err == nil {
		ui.Raw = map[string]any{}
		for _, m := range in.Report.Claims {
			var v any
			if json.Unmarshal(m.Value, &v) == nil {
				ui.Raw[m.Name] = v
			}
		}
	}
	return ui
}

// bearerError reads an RFC 6750 §3 WWW-Authenticate error.
func bearerError(resp *http.Response, endpoint string) *OAuthError {
	if resp.StatusCode < 400 {
		return nil
	}
	h := resp.Header.Get("WWW-Authenticate")
	params := authParams(h)
	if params["error"] == "" {
		return nil
	}
	return &OAuthError{Code: params["error"], Description: params["error_description"], URI: params["error_uri"], Status: resp.StatusCode, Endpoint: endpoint}
}

// authParams parses `Bearer k="v", k2="v2"` loosely.
func authParams(h string) map[string]string {
	out := map[string]string{}
	_, rest, _ := strings.Cut(h, " ")
	for rest != "" {
		rest = strings.TrimLeft(rest, " ,")
		k, after, ok := strings.Cut(rest, "=")
		if !ok {
			break
		}
		var v string
		if strings.HasPrefix(after, `"`) {
			end := strings.Index(after[1:], `"`)
			if end < 0 {
				v, rest = after[1:], ""
			} else {
				v, rest = after[1:end+1], after[end+2:]
			}
		} else {
			v, rest, _ = strings.Cut(after, ",")
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out
}

// compile-time check: the JWKS source plugs into token/.
var _ token.KeySource = (*jwksSource)(nil)
