package flows

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"golang.org/x/oauth2"
)

// LoginOptions are the hooks of an interactive login.
type LoginOptions struct {
	// OnURL receives the authorization URL once the loopback listener is
	// up, before the browser opens: show it, so the user can open it by hand.
	OnURL func(authURL string)
	// OnBrowserError is told that the browser could not be opened; the login
	// keeps waiting for a callback from a URL opened by hand.
	OnBrowserError func(err error)
	// NoBrowser skips opening the browser (the caller shows the URL).
	NoBrowser bool
	// OnCallback is called when the callback has arrived and passed its
	// checks, before the code is exchanged ("exchanging the code…").
	OnCallback func()
	// OnNoCallback is told, once, that the browser command has returned (or
	// failed) and no callback followed within NoCallbackAfter (default
	// DefaultNoCallbackAfter): the browser may never have shown the page. The
	// login keeps waiting; the caller offers to open the URL again.
	OnNoCallback    func()
	NoCallbackAfter time.Duration
}

// DefaultNoCallbackAfter is how long a login waits for the callback after
// the browser command returned before it calls LoginOptions.OnNoCallback.
const DefaultNoCallbackAfter = 5 * time.Second

// reservedParams are the authorization parameters the login sets itself;
// extra parameters may not override them.
var reservedParams = []string{"state", "nonce", "code_challenge", "code_challenge_method", "redirect_uri", "client_id", "response_type", "request_uri", "dpop_jkt"}

// DefaultLoginScope is requested by Login when the profile names no scopes.
const DefaultLoginScope = "openid"

// Login runs the authorization code grant with PKCE S256 in the system
// browser (RFC 8252, RFC 7636): it binds the loopback listener before the
// browser opens, checks state (constant time) and RFC 9207 iss in the one
// callback it serves, redeems the code and inspects the tokens. It ends with
// ErrLoginTimeout after Config.LoginTimeout (default 5 min) and with
// ErrLoginCancelled when ctx is cancelled.
// With no scopes configured it asks for DefaultLoginScope.
func (c *Client) Login(ctx context.Context, opts LoginOptions) (*Result, error) {
	lctx, cancel := c.browserContext(ctx)
	defer cancel()
	authURL, err := c.endpoint(lctx, "authorization")
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	tokenURL, err := c.endpoint(lctx, "token")
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	lb, err := listenLoopback(c.cfg.RedirectHost, c.cfg.RedirectPort, c.cfg.RedirectPath)
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	defer lb.close()
	sec, err := newLoginSecrets()
	if err != nil {
		return nil, err
	}
	conf := c.oauth2Config(authURL, lb.redirectURI)
	if len(conf.Scopes) == 0 {
		// Without scopes this would be a bare OAuth login with no ID token;
		// ask for an OpenID Connect one (OIDC Core 3.1.2.1: scope must contain openid).
		conf.Scopes = []string{DefaultLoginScope}
	}
	u, err := c.authorizationURL(conf, sec)
	if err != nil {
		return nil, err
	}
	random := c.cfg.RedirectPort == 0
	pushed := c.usePAR()
	if pushed {
		// RFC 9126: the parameters go to the provider directly; the browser
		// gets only client_id and request_uri.
		if u, err = c.pushAuthorization(lctx, u); err != nil {
			return nil, fmt.Errorf("login: %w", annotateLogin(err, "", lb.redirectURI, random))
		}
	} else if err := c.checkAuthorizationRequest(lctx, u); err != nil {
		return nil, fmt.Errorf("login: the provider refused the authorization request before sign-in: %w", annotateLogin(err, "", lb.redirectURI, random))
	}
	d := c.discovered()
	lb.transcript = c.transcript
	lb.start(sec.state, c.issuer(), d != nil && d.Bool("authorization_response_iss_parameter_supported"))
	// The browser's leg: the app does not see its answer (no status), but
	// the flow's picture needs the request and its parameters.
	c.transcript.Add(Exchange{Endpoint: "authorization", Method: "GET", URL: redactURL(u), Started: time.Now()})
	code, err := c.awaitCallback(lctx, ctx, lb, u, opts)
	if err != nil {
		return nil, fmt.Errorf("login: %w", annotateLogin(err, "", lb.redirectURI, random))
	}
	lb.close() // one callback only
	if opts.OnCallback != nil {
		opts.OnCallback()
	}
	raw, err := c.exchange(lctx, tokenURL, lb.redirectURI, code, sec.verifier)
	if err != nil {
		return nil, fmt.Errorf("login: exchange the code: %w", annotateLogin(err, "authorization_code", lb.redirectURI, random))
	}
	res := c.result(lctx, "authorization_code", raw, resultExtra{nonce: sec.nonce})
	res.RedirectURI, res.PAR = lb.redirectURI, pushed
	if slices.Contains(conf.Scopes, "openid") && res.IDToken == nil {
		res.Failures = append(res.Failures, "the login asked for the openid scope but the token response has no id_token: "+
			"this is not a working OpenID Connect login (OIDC Core 3.1.3.3); check that the IdP allows this client the openid scope")
	}
	return res, nil
}

// browserContext bounds a flow that waits on the browser by
// Config.LoginTimeout (default DefaultLoginTimeout).
func (c *Client) browserContext(ctx context.Context) (context.Context, context.CancelFunc) {
	timeout := c.cfg.LoginTimeout
	if timeout <= 0 {
		timeout = DefaultLoginTimeout
	}
	return context.WithTimeout(ctx, timeout)
}

// loginSecrets are the per-login random values.
type loginSecrets struct{ state, nonce, verifier string }

func newLoginSecrets() (loginSecrets, error) {
	state, err := randomString(32)
	if err != nil {
		return loginSecrets{}, err
	}
	nonce, err := randomString(32)
	if err != nil {
		return loginSecrets{}, err
	}
	return loginSecrets{state: state, nonce: nonce, verifier: oauth2.GenerateVerifier()}, nil
}

// authorizationURL builds the authorization request (RFC 6749 §4.1.1) with
// PKCE S256, the nonce, and the profile's extra parameters.
func (c *Client) authorizationURL(conf *oauth2.Config, sec loginSecrets) (string, error) {
	raw := conf.AuthCodeURL(sec.state, oauth2.S256ChallengeOption(sec.verifier), oauth2.SetAuthURLParam("nonce", sec.nonce))
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("authorization endpoint %q: %w", conf.Endpoint.AuthURL, err)
	}
	q := u.Query()
	for k, vs := range c.cfg.Params {
		if slices.Contains(reservedParams, k) {
			return "", fmt.Errorf("parameter %q is set by the login itself and cannot be overridden", k)
		}
		q[k] = vs
	}
	if c.cfg.Audience != "" {
		q.Set("audience", c.cfg.Audience)
	}
	if len(c.cfg.Resources) > 0 {
		q["resource"] = c.cfg.Resources // RFC 8707 §2: one parameter per resource
	}
	if c.dpop != nil && !c.usePAR() {
		// RFC 9449 §10: the code may be redeemed only with this key. A pushed
		// request carries the key in its DPoP header instead (§10.1).
		q.Set("dpop_jkt", c.dpop.Thumbprint())
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// awaitCallback shows the URL, opens the browser, and waits for the callback.
// parent tells a cancellation from the login's own timeout.
func (c *Client) awaitCallback(ctx, parent context.Context, lb *loopback, authURL string, opts LoginOptions) (string, error) {
	if opts.OnURL != nil {
		opts.OnURL(authURL)
	}
	browserDone := make(chan error, 1)
	if !opts.NoBrowser {
		go func() { browserDone <- c.OpenInBrowser(ctx, authURL) }()
	}
	var quiet <-chan time.Time // runs once the browser command returned
	for {
		select {
		case res := <-lb.results:
			return res.code, res.err
		case err := <-browserDone:
			if err != nil && opts.OnBrowserError != nil {
				opts.OnBrowserError(fmt.Errorf("could not open the browser (%w); open the URL by hand", err))
			}
			if opts.OnNoCallback != nil {
				after := opts.NoCallbackAfter
				if after <= 0 {
					after = DefaultNoCallbackAfter
				}
				quiet = time.After(after)
			}
		case <-quiet:
			quiet = nil
			opts.OnNoCallback()
		case <-ctx.Done():
			if parent.Err() != nil && !errors.Is(parent.Err(), context.DeadlineExceeded) {
				return "", ErrLoginCancelled
			}
			return "", ErrLoginTimeout
		}
	}
}
