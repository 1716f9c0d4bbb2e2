package flows

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Pushed authorization requests (RFC 9126) and the check of the
// authorization request before the browser opens.

// usePAR says whether a login pushes its authorization request: the profile
// asks for it, or the provider requires it (RFC 9126 §5).
func (c *Client) usePAR() bool {
	if c.cfg.PAR {
		return true
	}
	d := c.discovered()
	return d != nil && d.Bool("require_pushed_authorization_requests")
}

// pushAuthorization posts the authorization request's parameters to the
// PAR endpoint with client authentication (RFC 9126 §2.1; client_id stays in
// the body, as §2.1 requires even with HTTP Basic) and returns the URL the
// browser opens: the authorization endpoint with client_id and request_uri
// only (§4). Errors come in the token endpoint's format (§2.3).
func (c *Client) pushAuthorization(ctx context.Context, authURL string) (string, error) {
	parURL, err := c.endpoint(ctx, "par")
	if err != nil {
		return "", fmt.Errorf("pushed authorization request: %w", err)
	}
	u, err := url.Parse(authURL)
	if err != nil {
		return "", err
	}
	form := u.Query()
	resp, body, err := c.post(ctx, "par", parURL, form, true)
	if err != nil {
		return "", fmt.Errorf("pushed authorization request: %w", err)
	}
	raw, err := decodeObject("par", parURL, resp.StatusCode, resp.Header, body)
	if err != nil {
		return "", fmt.Errorf("pushed authorization request: %w", c.explainAssertion(err))
	}
	requestURI, _ := raw["request_uri"].(string)
	if requestURI == "" {
		return "", fmt.Errorf("pushed authorization request: %w", &ResponseError{Endpoint: "par", URL: parURL, Status: resp.StatusCode,
			Snippet: snippet(body), Err: errors.New("the response has no request_uri (RFC 9126 §2.2)")})
	}
	front := url.Values{"client_id": {form.Get("client_id")}, "request_uri": {requestURI}}
	u.RawQuery = front.Encode()
	return u.String(), nil
}

// redirectWords finds an error page or answer about the redirect URI.
var redirectWords = regexp.MustCompile(`(?i)redirect[ _-]?ur[il]|redirect url|redirect_uri_mismatch|invalid_redirect`)

// checkAuthorizationRequest asks the authorization endpoint for the URL the
// browser is about to open, without following redirects and without
// cookies, and returns an *OAuthError when the provider answers with an
// error page or JSON about the redirect URI: exact-match providers show
// that page in the browser and never call back, so the login would only
// time out. Any other answer (a login page, a redirect) is not judged.
func (c *Client) checkAuthorizationRequest(ctx context.Context, authURL string) error {
	probe := *c.hc
	probe.Jar = nil
	probe.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequestWithContext(withEndpoint(ctx, "authorization (check)"), http.MethodGet, authURL, nil)
	if err != nil {
		return nil
	}
	req.Header.Set("Accept", "text/html, application/json")
	resp, err := probe.Do(req)
	if err != nil {
		return nil // the browser will show what is wrong
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body) // capped by the recorder
	if resp.StatusCode < 400 || resp.StatusCode >= 500 || !redirectWords.Match(body) {
		return nil
	}
	oe := &OAuthError{Code: "invalid_request", Status: resp.StatusCode, Endpoint: "authorization", Description: pageText(body)}
	if obj, err := parseObject(body); err == nil {
		if e := oauthErrorFrom(obj, "authorization", resp.StatusCode); e != nil {
			oe = e
		}
	}
	if !oe.redirectMismatch() {
		oe.Code = "invalid_redirect_uri" // the page names the redirect URI: say so
	}
	return oe
}

var tags = regexp.MustCompile(`(?s)<style.*?</style>|<script.*?</script>|<[^>]*>`)

// pageText is the readable text of an HTML error page (or the body), short.
func pageText(body []byte) string {
	s := strings.Join(strings.Fields(tags.ReplaceAllString(string(body), " ")), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
