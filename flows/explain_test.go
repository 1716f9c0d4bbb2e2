package flows

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestExplain(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want []string // all must appear
	}{
		{"introspection of a JWT access token", &OAuthError{Code: "unsupported_token_type", Endpoint: "introspection", Status: 400},
			[]string{"self-contained JWT access tokens", "RFC 9068"}},
		{"revocation of a JWT access token", &OAuthError{Code: "unsupported_token_type", Endpoint: "revocation", Status: 400},
			[]string{"cannot revoke", "RFC 7009", "revoke the refresh token"}},
		{"userinfo with another resource's token", &OAuthError{Code: "invalid_token", Endpoint: "userinfo", Status: 401},
			[]string{"userinfo endpoint did not accept", "another resource"}},
		{"refresh after revoke", fmt.Errorf("refresh: %w", &OAuthError{Code: "invalid_grant", Endpoint: "token", Grant: "refresh_token"}),
			[]string{"refresh token was refused", "reuse", "Log in again"}},
		{"code exchange", &OAuthError{Code: "invalid_grant", Endpoint: "token", Grant: "authorization_code"},
			[]string{"authorization code was refused"}},
		{"client credentials", &OAuthError{Code: "invalid_client", Endpoint: "token", Status: 401},
			[]string{"client ID", "authentication method"}},
		{"redirect mismatch by code", &OAuthError{Code: "invalid_redirect_uri", Endpoint: "authorization", RedirectURI: "http://127.0.0.1:8765/callback"},
			[]string{"Register exactly http://127.0.0.1:8765/callback"}},
		{"redirect mismatch in a description", &OAuthError{Code: "invalid_request", Description: "The 'redirect_uri' parameter does not match", Endpoint: "authorization", RedirectURI: "http://[::1]:9000/cb"},
			[]string{"Register exactly http://[::1]:9000/cb"}},
		{"invalid_scope", &OAuthError{Code: "invalid_scope", Endpoint: "authorization"}, []string{"Scopes"}},
		{"login_required", &OAuthError{Code: "login_required", Endpoint: "authorization"}, []string{"prompt=none", "extra parameters"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Hint(tt.err)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Explain = %q; want it to contain %q", got, w)
				}
			}
			if strings.Contains(got, "--") {
				t.Errorf("Explain = %q mentions a command-line flag", got)
			}
		})
	}
	if got := Hint(errors.New("plain")); got != "" {
		t.Errorf("Hint(plain error) = %q; want empty", got)
	}
}

// TestLoginErrorNamesRedirectURI: a refused authorization request carries
// the redirect URI the login sent, so the explanation names the URI to register.
func TestLoginErrorNamesRedirectURI(t *testing.T) {
	f := newFakeIdP(t)
	var sent string
	browser := callbackBrowser(func(q url.Values) url.Values {
		sent = q.Get("redirect_uri")
		return url.Values{"error": {"invalid_request"}, "error_description": {"redirect_uri mismatch"}, "state": q["state"]}
	})
	c := newTestClient(t, f, Config{}, WithBrowser(browser))
	_, err := c.Login(context.Background(), LoginOptions{})
	var oe *OAuthError
	if !errors.As(err, &oe) || oe.RedirectURI == "" || oe.RedirectURI != sent {
		t.Fatalf("err = %v (redirect %q); want an OAuthError naming %q", err, oe.RedirectURI, sent)
	}
	// The port was random: the advice is a fixed port and its exact URI, not
	// this login's URI, which the next login will not use.
	if got := Hint(err); !strings.Contains(got, sent) || !strings.Contains(got, "fixed redirect port") ||
		!strings.Contains(got, "register exactly http://127.0.0.1:53682/callback") {
		t.Errorf("Explain = %q", got)
	}
}

// TestLoginReportsNoCallback: a browser command that returns without the
// page ever calling back is reported within NoCallbackAfter; the login keeps
// waiting until cancelled.
func TestLoginReportsNoCallback(t *testing.T) {
	f := newFakeIdP(t)
	quiet := func(context.Context, string) error { return nil } // "opened", nothing happens
	c := newTestClient(t, f, Config{}, WithBrowser(quiet))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	start := time.Now()
	_, err := c.Login(ctx, LoginOptions{NoCallbackAfter: 20 * time.Millisecond, OnNoCallback: func() { calls++; cancel() }})
	if !errors.Is(err, ErrLoginCancelled) || calls != 1 {
		t.Errorf("err = %v, OnNoCallback calls = %d; want cancelled after one report", err, calls)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("reported after %s", d)
	}
}
