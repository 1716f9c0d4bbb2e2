package flows

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/token"
)

// recordingServer is the attacker's server: it records every request it
// receives (method, path, headers, body) and answers 200 with a token.
type recordingServer struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []string
}

func newRecordingServer(t *testing.T) *recordingServer {
	rs := &recordingServer{}
	rs.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rs.mu.Lock()
		rs.seen = append(rs.seen, r.Method+" "+r.URL.String()+" auth="+r.Header.Get("Authorization")+" body="+string(body))
		rs.mu.Unlock()
		writeJSONResp(w, http.StatusOK, map[string]any{"access_token": "stolen", "token_type": "Bearer", "active": true, "sub": "x",
			"device_code": "d", "user_code": "u", "verification_uri": "https://x/", "issuer": "x", "keys": []any{}})
	}))
	t.Cleanup(rs.srv.Close)
	return rs
}

func (rs *recordingServer) requests() []string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return append([]string(nil), rs.seen...)
}

// TestHostileRedirectsCarryNothing: every endpoint of a profile answers
// with a redirect to another port on the same host, where a recording server
// waits. No request, and so no secret, code, verifier, refresh or device
// code, assertion or bearer token, may reach it; each call fails with a
// RedirectError naming the endpoint, the status and the Location.
func TestHostileRedirectsCarryNothing(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound} {
		for _, auth := range []Config{
			{Settings: settings.Settings{AuthMethod: settings.AuthSecretBasic}, ClientSecret: "s3cret-basic"},
			{Settings: settings.Settings{AuthMethod: settings.AuthSecretPost}, ClientSecret: "s3cret-post"},
			{Settings: settings.Settings{AuthMethod: settings.AuthPrivateKeyJWT}, PrivateKey: keyPEM},
		} {
			t.Run(http.StatusText(status)+"/"+string(auth.AuthMethod), func(t *testing.T) {
				evil := newRecordingServer(t)
				idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, evil.srv.URL+r.URL.RequestURI(), status)
				}))
				defer idp.Close()
				cfg := auth
				cfg.Issuer, cfg.ClientID = idp.URL, "cli"
				cfg.Endpoints = settings.Endpoints{Token: idp.URL + "/token", Introspection: idp.URL + "/introspect", Revocation: idp.URL + "/revoke",
					UserInfo: idp.URL + "/userinfo", DeviceAuthorization: idp.URL + "/device", JWKS: idp.URL + "/jwks", PAR: idp.URL + "/par"}
				c, err := NewClient(cfg, WithJWKSCache(NewJWKSCache(nil)))
				if err != nil {
					t.Fatal(err)
				}
				withDPoP := cfg
				withDPoP.DPoP = true
				cd, err := NewClient(withDPoP, WithJWKSCache(NewJWKSCache(nil)))
				if err != nil {
					t.Fatal(err)
				}
				ctx := context.Background()
				calls := []struct {
					endpoint string
					call     func() error
				}{
					{"token", func() error { _, err := c.ClientCredentials(ctx); return err }},
					{"token", func() error { _, err := c.Refresh(ctx, "refresh-SECRET", nil); return err }},
					{"token", func() error {
						_, err := c.tokenRequest(ctx, cfg.Endpoints.Token, map[string][]string{"grant_type": {"authorization_code"}, "code": {"code-SECRET"}, "code_verifier": {"verifier-SECRET"}})
						return err
					}},
					{"introspection", func() error { _, err := c.Introspect(ctx, "token-SECRET", ""); return err }},
					{"revocation", func() error { return c.Revoke(ctx, "token-SECRET", "") }},
					{"userinfo", func() error { _, err := c.UserInfo(ctx, "bearer-SECRET"); return err }},
					{"device_authorization", func() error { _, err := c.deviceAuthorization(ctx); return err }},
					{"token", func() error {
						_, err := c.pollDevice(ctx, &DeviceCode{deviceCode: "device-SECRET"}, nil)
						return err
					}},
					{"par", func() error {
						_, err := c.pushAuthorization(ctx, idp.URL+"/authorize?client_id=cli&state=state-SECRET")
						return err
					}},
					{"token", func() error {
						_, err := c.TokenExchange(ctx, TokenExchangeRequest{SubjectToken: "subject-SECRET", SubjectTokenType: TokenTypeAccessToken, ActorToken: "actor-SECRET", ActorTokenType: TokenTypeJWT})
						return err
					}},
					{"token", func() error { _, err := c.JWTBearer(ctx, "assertion-SECRET"); return err }},
					{"token", func() error { _, err := cd.ClientCredentials(ctx); return err }},
					{"userinfo", func() error { _, err := cd.UserInfo(ctx, "dpop-bound-SECRET"); return err }},
					{"discovery", func() error { _, err := c.Discover(ctx); return err }},
					{"jwks", func() error {
						ks, err := c.KeySource(ctx)
						if err == nil {
							_, err = ks.Lookup(ctx, "")
						}
						return err
					}},
				}
				c.after = func(d time.Duration) <-chan time.Time { return time.After(0) }
				for _, call := range calls {
					err := call.call()
					var re *RedirectError
					if !errors.As(err, &re) {
						t.Errorf("%s: err = %v; want a *RedirectError", call.endpoint, err)
						continue
					}
					if re.Endpoint != call.endpoint || re.Status != status || !strings.HasPrefix(re.Location, evil.srv.URL) {
						t.Errorf("%s: redirect error %+v does not name the endpoint, status %d and Location", call.endpoint, re, status)
					}
					if msg := err.Error() + "\n" + Hint(err); !strings.Contains(msg, "configure the final URL") || !strings.Contains(msg, evil.srv.URL) {
						t.Errorf("%s: message %q does not name the Location and say to configure the final URL", call.endpoint, msg)
					}
				}
				if got := evil.requests(); len(got) > 0 {
					t.Fatalf("the redirect target received %d requests: %q", len(got), got)
				}
			})
		}
	}
}

// TestSameOriginRedirects: discovery and JWKS GETs follow a redirect within
// their origin, and the document's final URL is what the reports name; a
// redirect to another origin, from https to http, or past MaxRedirects
// is refused.
func TestSameOriginRedirects(t *testing.T) {
	f := newFakeIdP(t)
	f.hook("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/moved/openid-configuration", http.StatusMovedPermanently)
	})
	f.hook("/moved/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		m := f.metadata()
		m["jwks_uri"] = f.issuer() + "/old-jwks"
		writeJSONResp(w, http.StatusOK, m)
	})
	f.hook("/old-jwks", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/jwks", http.StatusFound)
	})
	c := newTestClient(t, f, Config{})
	d, err := c.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.URL != f.issuer()+"/moved/openid-configuration" || d.RedirectedFrom != f.issuer()+"/.well-known/openid-configuration" {
		t.Errorf("discovery URL %q redirected from %q; want the final URL and the one asked for", d.URL, d.RedirectedFrom)
	}
	ks, err := c.KeySource(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	l, err := ks.Lookup(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(l.Origin, f.issuer()+"/jwks, redirected from "+f.issuer()+"/old-jwks") {
		t.Errorf("JWKS origin %q does not name the final URL", l.Origin)
	}
	var urls []string
	for _, x := range c.Transcript() {
		urls = append(urls, x.URL)
	}
	if !strings.Contains(strings.Join(urls, " "), f.issuer()+"/moved/openid-configuration") {
		t.Errorf("the transcript does not record the final URL: %q", urls)
	}

	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, f.issuer()+"/jwks", http.StatusFound) // https -> http
	}))
	defer tlsSrv.Close()
	loop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path+"x", http.StatusFound) // endless, same origin
	}))
	defer loop.Close()
	for name, tt := range map[string]struct{ url, want string }{
		"https to http": {tlsSrv.URL + "/jwks", "from https to plain http"},
		"too many":      {loop.URL + "/jwks", "more than 5 redirects"},
	} {
		t.Run(name, func(t *testing.T) {
			c := newTestClient(t, f, Config{Settings: settings.Settings{Insecure: true, Endpoints: settings.Endpoints{JWKS: tt.url}}})
			ks, _ := c.KeySource(context.Background())
			_, err := ks.Lookup(context.Background(), "")
			var re *RedirectError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v; want a RedirectError saying %q", err, tt.want)
			}
		})
	}
}

// TestJWKSSourceAnyClientSameOrigin: a JWKS source built with a plain
// http.Client (default redirect policy) still refuses a cross-origin redirect.
func TestJWKSSourceAnyClientSameOrigin(t *testing.T) {
	evil := newRecordingServer(t)
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, evil.srv.URL+"/jwks", http.StatusFound)
	}))
	defer idp.Close()
	_, err := NewJWKSCache(nil).Source(idp.URL+"/jwks", &http.Client{}).Lookup(context.Background(), "")
	var re *RedirectError
	if !errors.As(err, &re) || len(evil.requests()) > 0 {
		t.Errorf("err = %v, the other origin got %d requests; want a RedirectError and none", err, len(evil.requests()))
	}
}

// TestOpenerRefusesHostileURLs: a discovered authorization endpoint or a
// device verification URI that is not an http(s) URL never reaches the
// opener; nor does anything that reads as an option.
func TestOpenerRefusesHostileURLs(t *testing.T) {
	tests := []struct {
		url      string
		insecure bool
		ok       bool
	}{
		{"https://idp.example/authorize?x=1", false, true},
		{"http://127.0.0.1:8080/authorize", false, true},
		{"http://[::1]/authorize", false, true},
		{"http://localhost/authorize", false, true},
		{"http://idp.example/authorize", false, false},
		{"http://idp.example/authorize", true, true},
		{"file:///etc/passwd", false, false},
		{"--help", false, false},
		{"-https://idp.example/", false, false},
		{"javascript:alert(1)", true, false},
		{"https:///nohost", false, false},
		{"/relative/path", false, false},
		{"smb://evil/share", true, false},
		{"https://idp.example/a b", false, false},
		{"https://idp.example/\x1b[31m", false, false},
	}
	for _, tt := range tests {
		err := CheckBrowserURL(tt.url, tt.insecure)
		if (err == nil) != tt.ok {
			t.Errorf("CheckBrowserURL(%q, insecure=%v) = %v; want ok=%v", tt.url, tt.insecure, err, tt.ok)
		}
	}

	// The OS opener ($BROWSER) never sees a refused URL.
	dir := t.TempDir()
	out := filepath.Join(dir, "opened")
	script := filepath.Join(dir, "b.sh")
	os.WriteFile(script, []byte("#!/bin/sh\necho \"$@\" >> "+out+"\n"), 0o755)
	t.Setenv("BROWSER", script)
	for _, u := range []string{"file:///etc/passwd", "--help", "-x"} {
		if err := OpenBrowser(context.Background(), u); err == nil {
			t.Errorf("OpenBrowser(%q) succeeded", u)
		}
	}
	if b, err := os.ReadFile(out); err == nil {
		t.Errorf("the opener was run with %q", b)
	}

	// A login whose discovered authorization endpoint is file:// opens nothing.
	f := newFakeIdP(t)
	f.hook("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		m := f.metadata()
		m["authorization_endpoint"] = "file:///etc/passwd"
		writeJSONResp(w, http.StatusOK, m)
	})
	opened := make(chan string, 1)
	c := newTestClient(t, f, Config{LoginTimeout: 300 * time.Millisecond}, WithBrowser(func(_ context.Context, u string) error {
		opened <- u
		return nil
	}))
	var browserErr error
	_, err := c.Login(context.Background(), LoginOptions{OnBrowserError: func(err error) { browserErr = err }})
	if !errors.Is(err, ErrLoginTimeout) {
		t.Errorf("login err = %v; want a timeout (nothing opened)", err)
	}
	select {
	case u := <-opened:
		t.Errorf("the browser was asked to open %q", u)
	default:
	}
	if browserErr == nil || !strings.Contains(browserErr.Error(), "only http and https") {
		t.Errorf("browser error = %v; want the refusal", browserErr)
	}
	d, _ := c.Discover(context.Background())
	if d == nil || !hasLintLevel(d, "bad_url", LintFail) {
		t.Errorf("discovery lint does not fail the file: authorization endpoint: %+v", d)
	}
	if err := c.OpenInBrowser(context.Background(), "file:///etc/passwd"); err == nil {
		t.Error("OpenInBrowser opened a file: URL (device verification_uri)")
	}
}

func hasLintLevel(d *Discovery, id string, lvl LintLevel) bool {
	for _, l := range d.Lint {
		if l.ID == id && l.Level == lvl {
			return true
		}
	}
	return false
}

// TestFetchedHMACKeyNeverVerifies: a hostile JWKS publishes an oct key and
// a token signed with it. The token must not verify; the key is listed as
// skipped with the warning that publishing it is a vulnerability.
func TestFetchedHMACKeyNeverVerifies(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	jwks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: secret, KeyID: "shared", Algorithm: "HS256", Use: "sig"}}}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(set)
	}))
	defer jwks.Close()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: secret}, (&jose.SignerOptions{}).WithHeader("kid", "shared"))
	if err != nil {
		t.Fatal(err)
	}
	forged, err := jwt.Signed(signer).Claims(map[string]any{"sub": "admin", "iss": "x"}).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(Config{Settings: settings.Settings{Endpoints: settings.Endpoints{JWKS: jwks.URL}}}, WithJWKSCache(NewJWKSCache(nil)))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := c.KeySource(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]token.KeySource{
		"jwks alone":       keys,
		"jwks + local PEM": token.JoinKeySources(keys, token.NewKeySet(nil, "empty local set")),
	} {
		r, err := token.Inspect(context.Background(), forged, token.Options{Keys: src})
		if err != nil {
			t.Fatal(err)
		}
		if r.Signature.Status == token.SigValid {
			t.Fatalf("%s: a token signed with a published HMAC key verified: %+v", name, r.Signature)
		}
		if !strings.Contains(strings.Join(r.Signature.Skipped, "\n"), "is itself a vulnerability") {
			t.Errorf("%s: skipped = %q; want the published symmetric key listed", name, r.Signature.Skipped)
		}
		found := false
		for _, w := range r.Warnings {
			found = found || w.ID == "published_secret"
		}
		if !found {
			t.Errorf("%s: no published_secret warning: %+v", name, r.Warnings)
		}
	}
}
