package flows

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokeninspector/tokeninspector/settings"
)

func TestDiscovery(t *testing.T) {
	f := newFakeIdP(t)
	c := newTestClient(t, f, Config{})
	d, err := c.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.Kind != "openid-configuration" || d.Endpoints.Token != f.issuer()+"/token" {
		t.Errorf("discovery = %+v", d)
	}
	if got := c.Config().Endpoints.Introspection; got != f.issuer()+"/introspect" {
		t.Errorf("adopted introspection endpoint = %q", got)
	}
	if !hasLint(d, "pkce_s256") || hasLint(d, "http_endpoint") {
		t.Errorf("lint = %+v; loopback http is fine, S256 offered", d.Lint)
	}
}

func TestDiscoveryRFC8414Fallback(t *testing.T) {
	f := newFakeIdP(t)
	f.hook("/.well-known/openid-configuration", http.NotFound)
	f.hook("/.well-known/oauth-authorization-server", func(w http.ResponseWriter, r *http.Request) {
		m := f.metadata()
		delete(m, "jwks_uri")
		delete(m, "code_challenge_methods_supported")
		m["token_endpoint"] = "http://idp.example.com/token"
		writeJSONResp(w, 200, m)
	})
	d, err := newTestClient(t, f, Config{}).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.Kind != "oauth-authorization-server" {
		t.Errorf("kind = %q", d.Kind)
	}
	for _, id := range []string{"jwks_uri_missing", "pkce_unadvertised", "http_endpoint"} {
		if !hasLint(d, id) {
			t.Errorf("lint lacks %s: %+v", id, d.Lint)
		}
	}
	if d.Lint[0].Level != LintFail {
		t.Errorf("lint not sorted worst first: %+v", d.Lint)
	}
}

func TestDiscoveryWrongIssuer(t *testing.T) {
	f := newFakeIdP(t)
	f.hook("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		m := f.metadata()
		m["issuer"] = "https://other.example"
		writeJSONResp(w, 200, m)
	})
	c := newTestClient(t, f, Config{})
	d, err := c.Discover(context.Background())
	var ie *IssuerMismatchError
	if !errors.As(err, &ie) || ie.Actual != "https://other.example" {
		t.Fatalf("err = %v; want *IssuerMismatchError", err)
	}
	if d == nil || !hasLint(d, "issuer_mismatch") {
		t.Errorf("discovery = %+v; want the lint too", d)
	}
	if c.Config().Endpoints.Token != "" {
		t.Error("endpoints adopted from a mismatched issuer")
	}
}

// TestBrokenResponses drives the token endpoint (client credentials) and
// discovery with broken servers.
func TestBrokenResponses(t *testing.T) {
	big := strings.Repeat("x", 5<<20)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		check   func(t *testing.T, err error)
	}{
		{"500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) }, wantResponseError(500, "without an OAuth error body")},
		{"HTML", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><body>Login</body></html>"))
		}, wantResponseError(200, "expected JSON, got text/html")},
		{"malformed JSON", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"access_token": `))
		}, wantResponseError(200, "malformed JSON")},
		{"5 MiB", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(big))
		}, func(t *testing.T, err error) {
			if !errors.Is(err, ErrResponseTooLarge) || !strings.Contains(err.Error(), "token endpoint") {
				t.Errorf("err = %v; want ErrResponseTooLarge naming the endpoint", err)
			}
		}},
		{"stalled", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, func(t *testing.T, err error) {
			if !isTimeout(err) || !strings.Contains(Hint(err), "no answer in time") {
				t.Errorf("err = %v; want a timeout with a hint", err)
			}
		}},
		{"OAuth error", func(w http.ResponseWriter, r *http.Request) {
			writeJSONResp(w, 401, map[string]string{"error": "invalid_client", "error_description": "unknown client", "error_uri": "https://docs"})
		}, func(t *testing.T, err error) {
			var oe *OAuthError
			if !errors.As(err, &oe) || oe.Code != "invalid_client" || oe.Status != 401 || oe.Endpoint != "token" || oe.URI != "https://docs" {
				t.Fatalf("err = %v; want *OAuthError", err)
			}
			if !strings.Contains(Hint(err), "check the client ID") {
				t.Errorf("message %q lacks a next step", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeIdP(t)
			f.hook("/token", tt.handler)
			// Only the stalled case relies on the timeout; the others get a
			// generous one so a loaded machine cannot turn them into timeouts.
			timeout := 10 * time.Second
			if tt.name == "stalled" {
				timeout = 300 * time.Millisecond
			}
			c := newTestClient(t, f, Config{ClientSecret: "s", Settings: settings.Settings{Timeout: settings.Duration(timeout)}})
			_, err := c.ClientCredentials(context.Background())
			if err == nil {
				t.Fatal("no error")
			}
			tt.check(t, err)
			// The same server as discovery: a clear error too.
			f.hook("/.well-known/openid-configuration", tt.handler)
			c2 := newTestClient(t, f, Config{Settings: settings.Settings{Timeout: settings.Duration(timeout)}})
			if _, err := c2.Discover(context.Background()); err == nil {
				t.Error("discovery: no error")
			}
		})
	}
}

func wantResponseError(status int, text string) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		var re *ResponseError
		if !errors.As(err, &re) || re.Status != status || re.Endpoint != "token" || !strings.Contains(err.Error(), text) {
			t.Errorf("err = %v; want *ResponseError HTTP %d containing %q", err, status, text)
		}
	}
}

func TestClientCredentialsRaw(t *testing.T) {
	f := newFakeIdP(t)
	c := newTestClient(t, f, Config{ClientSecret: "s3cret", Settings: settings.Settings{Audience: "https://api", Scopes: []string{"read"}}})
	res, err := c.ClientCredentials(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.ExpiresIn != 3600 || res.AccessToken.Raw != "opaque-cc" || res.Grant != "client_credentials" {
		t.Errorf("result = %+v", res)
	}
	f.mu.Lock()
	form, auth := f.lastForm, f.lastAuth
	f.mu.Unlock()
	if form.Get("audience") != "https://api" || form.Get("scope") != "read" || !strings.HasPrefix(auth, "Basic ") {
		t.Errorf("request form %v auth %q", form, auth)
	}
}

func TestIntrospectRevokeUserInfo(t *testing.T) {
	f := newFakeIdP(t)
	c := newTestClient(t, f, Config{ClientSecret: "s"})
	ctx := context.Background()
	in, err := c.Introspect(ctx, "tok-1", "access_token")
	if err != nil || !in.Active {
		t.Fatalf("introspect = %+v, %v", in, err)
	}
	if err := c.Revoke(ctx, "tok-1", "access_token"); err != nil {
		t.Fatal(err)
	}
	if in, err = c.Introspect(ctx, "tok-1", ""); err != nil || in.Active {
		t.Fatalf("introspect after revoke = %+v, %v", in, err)
	}
	ui, err := c.UserInfo(ctx, "good-at")
	if err != nil || ui.Raw["sub"] != "alice" {
		t.Fatalf("userinfo = %+v, %v", ui, err)
	}
	_, err = c.UserInfo(ctx, "bad")
	var oe *OAuthError
	if !errors.As(err, &oe) || oe.Code != "invalid_token" || oe.Status != 401 || oe.Description != "The access token expired" {
		t.Errorf("err = %v; want invalid_token from WWW-Authenticate", err)
	}
}

func TestSignedUserInfo(t *testing.T) {
	f := newFakeIdP(t)
	f.hook("/userinfo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/jwt")
		w.Write([]byte(f.sign(map[string]any{"iss": f.issuer(), "aud": "cli", "sub": "alice"})))
	})
	ui, err := newTestClient(t, f, Config{}).UserInfo(context.Background(), "good-at")
	if err != nil {
		t.Fatal(err)
	}
	if ui.JWT == nil || ui.JWT.Report.Signature.Status != "valid" || ui.Raw["sub"] != "alice" {
		t.Errorf("signed userinfo = %+v", ui)
	}
}

func TestManualEndpointsWithoutIssuer(t *testing.T) {
	f := newFakeIdP(t)
	c, err := NewClient(Config{Settings: settings.Settings{ClientID: "cli", Endpoints: settings.Endpoints{Token: f.issuer() + "/token"}}, ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ClientCredentials(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Introspect(context.Background(), "x", ""); !errors.Is(err, ErrNoEndpoint) {
		t.Errorf("err = %v; want ErrNoEndpoint", err)
	}
}

func TestCAFileAndInsecure(t *testing.T) {
	if _, err := NewClient(Config{Settings: settings.Settings{Issuer: "https://x", CAFile: "/nonexistent"}}); err == nil {
		t.Error("missing CA file accepted")
	}
	c, err := NewClient(Config{Settings: settings.Settings{Issuer: "https://x", Insecure: true}})
	if err != nil || !c.Insecure() {
		t.Errorf("insecure client = %v, %v", c, err)
	}
}

func hasLint(d *Discovery, id string) bool {
	for _, l := range d.Lint {
		if l.ID == id {
			return true
		}
	}
	return false
}
