package flows

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// PostLogoutRedirectPath is the path of the post_logout_redirect_uri on the
// loopback listener (same host and port as the login's redirect). Register
// http://127.0.0.1:PORT/logged-out at the provider.
const PostLogoutRedirectPath = "/logged-out"

// LogoutOptions are the hooks of an RP-initiated logout; they work like
// LoginOptions'.
type LogoutOptions struct {
	OnURL          func(logoutURL string)
	OnBrowserError func(err error)
	NoBrowser      bool
}

// LogoutResult says what happened: the URL the browser opened and the
// redirect URI the provider sent it back to.
type LogoutResult struct {
	URL                   string `json:"url"`
	PostLogoutRedirectURI string `json:"post_logout_redirect_uri"`
	Returned              bool   `json:"returned"` // the provider sent the browser back with the right state
	Insecure              bool   `json:"insecure"`
}

// Logout ends the user's session at the provider (OpenID Connect
// RP-Initiated Logout 1.0): it opens the end_session_endpoint in the
// browser with id_token_hint (when given), client_id,
// post_logout_redirect_uri on the loopback listener and a random state, and
// waits until the provider sends the browser back with that state (checked
// in constant time). The caller forgets its tokens either way.
func (c *Client) Logout(ctx context.Context, idToken string, opts LogoutOptions) (*LogoutResult, error) {
	lctx, cancel := c.browserContext(ctx)
	defer cancel()
	endSession, err := c.endpoint(lctx, "end_session")
	if err != nil {
		return nil, fmt.Errorf("logout: %w (the provider publishes no end_session_endpoint, so it offers no RP-initiated logout: forget the tokens here, and sign out on the provider's own pages)", err)
	}
	lb, err := listenLoopback(c.cfg.RedirectHost, c.cfg.RedirectPort, PostLogoutRedirectPath)
	if err != nil {
		return nil, fmt.Errorf("logout: %w", err)
	}
	defer lb.close()
	lb.logout = true
	lb.transcript = c.transcript
	state, err := randomString(24)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(endSession)
	if err != nil {
		return nil, fmt.Errorf("logout: end session endpoint %q: %w", endSession, err)
	}
	q := u.Query()
	if idToken = strings.TrimSpace(idToken); idToken != "" {
		q.Set("id_token_hint", idToken) // RECOMMENDED (§2)
	}
	if c.cfg.ClientID != "" {
		q.Set("client_id", c.cfg.ClientID)
	}
	q.Set("post_logout_redirect_uri", lb.redirectURI)
	q.Set("state", state)
	u.RawQuery = q.Encode()
	res := &LogoutResult{URL: u.String(), PostLogoutRedirectURI: lb.redirectURI, Insecure: c.cfg.Insecure}
	lb.start(state, c.issuer(), false)
	_, err = c.awaitCallback(lctx, ctx, lb, res.URL, LoginOptions{OnURL: opts.OnURL, OnBrowserError: opts.OnBrowserError, NoBrowser: opts.NoBrowser})
	switch {
	case errors.Is(err, ErrLoginTimeout):
		return res, fmt.Errorf("logout: the provider did not send the browser back to %s: register that post-logout redirect URI for the client, or check the browser: %w", lb.redirectURI, err)
	case err != nil:
		return res, fmt.Errorf("logout: %w", err)
	}
	res.Returned = true
	return res, nil
}
