package flows_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tokeninspector/tokeninspector/demoidp"
	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/token"
)

// Integration tests: the real client against the embedded fosite demo IdP,
// in-process, with demoidp.LoginBrowser as the system browser.

func startIdP(t testing.TB) *demoidp.Server {
	t.Helper()
	s, err := demoidp.Start(demoidp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func aliceBrowser(ctx context.Context, u string) error {
	return demoidp.LoginBrowser(ctx, u, "alice", "secret")
}

func demoClient(t testing.TB, s *demoidp.Server, cfg flows.Config, cache *flows.JWKSCache) *flows.Client {
	t.Helper()
	cfg.Issuer = s.Issuer()
	if cache == nil {
		cache = flows.NewJWKSCache(nil)
	}
	c, err := flows.NewClient(cfg, flows.WithBrowser(aliceBrowser), flows.WithJWKSCache(cache))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func checkStatus(t *testing.T, r *token.Report, id string, want token.CheckStatus) {
	t.Helper()
	c, ok := r.Check(id)
	if !ok || c.Status != want {
		t.Errorf("check %s = %+v; want %s", id, c, want)
	}
}

func TestDemoIdPDiscovery(t *testing.T) {
	s := startIdP(t)
	d, err := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.NativeClientID}}, nil).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.Issuer != s.Issuer() || d.Endpoints.JWKS == "" || d.Endpoints.Introspection == "" {
		t.Errorf("discovery = %+v", d)
	}
	for _, l := range d.Lint {
		if l.Level == flows.LintFail {
			t.Errorf("demo IdP fails lint: %+v", l)
		}
	}
}

// TestDemoIdPWebClient: login (client_secret_basic), refresh, introspection
// (active, then inactive after revocation), userinfo; one JWKS fetch.
func TestDemoIdPWebClient(t *testing.T) {
	s := startIdP(t)
	cache := flows.NewJWKSCache(nil)
	c := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.WebClientID, Scopes: []string{"openid", "profile", "email", "offline_access"}, Audience: demoidp.APIAudience}, ClientSecret: demoidp.WebClientSecret}, cache)
	ctx := context.Background()
	res, err := c.Login(ctx, flows.LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() || res.RefreshToken == nil {
		t.Fatalf("login result not OK: at %+v id %+v", res.AccessToken.Report.Checks, res.IDToken.Report.Checks)
	}
	at := res.AccessToken.Report
	if at.Kind != token.KindJWS || at.Signature.Status != token.SigValid {
		t.Errorf("access token: kind %s signature %+v", at.Kind, at.Signature)
	}
	checkStatus(t, at, "aud", token.Pass)
	checkStatus(t, res.IDToken.Report, "nonce", token.Pass)
	checkStatus(t, res.IDToken.Report, "at_hash", token.Pass)

	ref, err := c.Refresh(ctx, res.RefreshToken.Raw, res)
	if err != nil {
		t.Fatal(err)
	}
	if !ref.OK() {
		t.Errorf("refreshed tokens not OK: %+v", ref.IDToken.Report.Checks)
	}

	in, err := c.Introspect(ctx, ref.AccessToken.Raw, "access_token")
	if err != nil || !in.Active {
		t.Fatalf("introspect = %+v, %v", in, err)
	}
	ui, err := c.UserInfo(ctx, ref.AccessToken.Raw)
	if err != nil || ui.Raw["sub"] != "u-1001" {
		t.Fatalf("userinfo = %+v, %v", ui, err)
	}
	if err := c.Revoke(ctx, ref.AccessToken.Raw, "access_token"); err != nil {
		t.Fatal(err)
	}
	if in, err = c.Introspect(ctx, ref.AccessToken.Raw, "access_token"); err != nil || in.Active {
		t.Errorf("introspect after revoke = %+v, %v", in, err)
	}
	if n := cache.Stats(s.Issuer() + "/jwks").Fetches; n != 1 {
		t.Errorf("JWKS fetched %d times; want 1 per issuer per run", n)
	}
}

func TestDemoIdPNativeClient(t *testing.T) {
	s := startIdP(t)
	c := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.NativeClientID, Scopes: []string{"openid", "offline_access"}}}, nil)
	res, err := c.Login(context.Background(), flows.LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.IDToken.OK() || !strings.HasPrefix(res.RedirectURI, "http://127.0.0.1:") {
		t.Errorf("native login: %+v, redirect %s", res.IDToken.Report.Checks, res.RedirectURI)
	}
	if _, err := c.Refresh(context.Background(), res.RefreshToken.Raw, res); err != nil {
		t.Errorf("public client refresh: %v", err)
	}
}

func TestDemoIdPClientCredentials(t *testing.T) {
	s := startIdP(t)
	c := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.M2MClientID, Scopes: []string{"api.read"}, Audience: demoidp.APIAudience}, ClientSecret: demoidp.M2MClientSecret}, nil)
	res, err := c.ClientCredentials(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !res.AccessToken.OK() || res.IDToken != nil {
		t.Errorf("client credentials: %+v", res.AccessToken.Report)
	}
	checkStatus(t, res.AccessToken.Report, "aud", token.Pass)
}

// TestDemoIdPPrivateKeyJWT: login, refresh and client credentials with an
// RFC 7523 client assertion.
func TestDemoIdPPrivateKeyJWT(t *testing.T) {
	s := startIdP(t)
	c := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.JWTClientID, AuthMethod: settings.AuthPrivateKeyJWT, PrivateKeyID: s.ClientKeyID(), Scopes: []string{"openid", "offline_access"}}, PrivateKey: s.ClientKeyPEM()}, nil)
	ctx := context.Background()
	res, err := c.Login(ctx, flows.LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Errorf("login not OK")
	}
	if _, err := c.Refresh(ctx, res.RefreshToken.Raw, res); err != nil {
		t.Errorf("refresh: %v", err)
	}
	if _, err := c.ClientCredentials(ctx); err != nil {
		t.Errorf("client credentials: %v", err)
	}
}

func TestDemoIdPWrongSecret(t *testing.T) {
	s := startIdP(t)
	c := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.M2MClientID}, ClientSecret: "wrong"}, nil)
	_, err := c.ClientCredentials(context.Background())
	var oe *flows.OAuthError
	if !errors.As(err, &oe) || oe.Code != "invalid_client" || oe.Status != 401 {
		t.Errorf("err = %v; want invalid_client", err)
	}
}

// TestDemoIdPKeyRotation: after RotateKey the next login's tokens carry an
// unknown kid; the cache re-fetches once and verifies them.
func TestDemoIdPKeyRotation(t *testing.T) {
	s := startIdP(t)
	cache := flows.NewJWKSCache(nil)
	cfg := flows.Config{Settings: settings.Settings{ClientID: demoidp.NativeClientID, Scopes: []string{"openid"}}}
	if _, err := demoClient(t, s, cfg, cache).Login(context.Background(), flows.LoginOptions{}); err != nil {
		t.Fatal(err)
	}
	kid, err := s.RotateKey()
	if err != nil {
		t.Fatal(err)
	}
	res, err := demoClient(t, s, cfg, cache).Login(context.Background(), flows.LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The access token is inspected first: its lookup forces the re-fetch;
	// the ID token then finds the new key in the cache.
	sig := res.AccessToken.Report.Signature
	if sig.Status != token.SigValid || sig.Kid != kid || !strings.Contains(sig.Key.Origin, "was unknown") {
		t.Errorf("access token after rotation: %+v", sig)
	}
	if res.IDToken.Report.Signature.Status != token.SigValid {
		t.Errorf("ID token after rotation: %+v", res.IDToken.Report.Signature)
	}
	if n := cache.Stats(s.Issuer() + "/jwks").Fetches; n != 2 {
		t.Errorf("JWKS fetches = %d; want 2 (first use, one forced re-fetch)", n)
	}
}

// TestDemoIdPFlaws: the flawed tokens the demo IdP can issue are caught.
func TestDemoIdPFlaws(t *testing.T) {
	s := startIdP(t)
	cfg := flows.Config{Settings: settings.Settings{ClientID: demoidp.NativeClientID, Scopes: []string{"openid"}, Audience: demoidp.APIAudience}}
	for _, flaw := range []demoidp.Flaw{demoidp.FlawWrongAudience, demoidp.FlawBadSignature, demoidp.FlawExpired} {
		t.Run(string(flaw), func(t *testing.T) {
			s.SetFlaw(flaw)
			defer s.SetFlaw(demoidp.FlawNone)
			res, err := demoClient(t, s, cfg, nil).Login(context.Background(), flows.LoginOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if res.OK() {
				t.Errorf("flaw %s not caught", flaw)
			}
		})
	}
}

// BenchmarkLoginClientSide measures the client's share of a login: from the
// callback's arrival to tokens exchanged, verified and inspected (the IdP
// is in-process, so its token endpoint time is included). The whole login,
// with the stand-in browser, is reported as login-ns/op; JWKS fetches per
// login use one cache for the run, as the app does.
func BenchmarkLoginClientSide(b *testing.B) {
	s := startIdP(b)
	cache := flows.NewJWKSCache(nil)
	c := demoClient(b, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.NativeClientID, Scopes: []string{"openid", "offline_access"}}}, cache)
	var client, total time.Duration
	for b.Loop() {
		start := time.Now()
		var cb time.Time
		res, err := c.Login(context.Background(), flows.LoginOptions{OnCallback: func() { cb = time.Now() }})
		if err != nil || !res.OK() {
			b.Fatalf("login: %v", err)
		}
		end := time.Now()
		client += end.Sub(cb)
		total += end.Sub(start)
	}
	n := float64(b.N)
	b.ReportMetric(float64(client.Nanoseconds())/n, "client-ns/login")
	b.ReportMetric(float64(total.Nanoseconds())/n, "login-ns/op")
	b.ReportMetric(float64(cache.Stats(s.Issuer()+"/jwks").Fetches)/n, "jwks-fetches/login")
}

// TestDemoIdPRefreshTokenByHint: the refresh token is introspected and
// revoked with token_type_hint=refresh_token; a refresh after that is an
// invalid_grant the explanation calls a revoked or reused refresh token.
func TestDemoIdPRefreshTokenByHint(t *testing.T) {
	s := startIdP(t)
	c := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.WebClientID, Scopes: []string{"openid", "offline_access"}}, ClientSecret: demoidp.WebClientSecret}, nil)
	ctx := context.Background()
	res, err := c.Login(ctx, flows.LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rt := res.RefreshToken.Raw
	in, err := c.Introspect(ctx, rt, "refresh_token")
	if err != nil || !in.Active {
		t.Fatalf("introspect refresh token = %+v, %v", in, err)
	}
	if err := c.Revoke(ctx, rt, "refresh_token"); err != nil {
		t.Fatal(err)
	}
	if in, err = c.Introspect(ctx, rt, "refresh_token"); err != nil || in.Active {
		t.Errorf("introspect after revoke = %+v, %v", in, err)
	}
	_, err = c.Refresh(ctx, rt, res)
	var oe *flows.OAuthError
	if !errors.As(err, &oe) || oe.Code != "invalid_grant" || oe.Grant != "refresh_token" {
		t.Fatalf("refresh after revoke: err = %v; want invalid_grant for the refresh_token grant", err)
	}
	if got := flows.Hint(err); !strings.Contains(got, "refresh token was refused") {
		t.Errorf("Explain = %q", got)
	}
}

// TestDemoIdPSelfContained: a provider that neither introspects nor revokes
// its JWT access tokens answers unsupported_token_type for them, and the
// explanation says local verification is the check; its refresh token is
// still served.
func TestDemoIdPSelfContained(t *testing.T) {
	s, err := demoidp.Start(demoidp.Options{SelfContained: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.WebClientID, Scopes: []string{"openid", "offline_access"}}, ClientSecret: demoidp.WebClientSecret}, nil)
	ctx := context.Background()
	res, err := c.Login(ctx, flows.LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	at, rt := res.AccessToken.Raw, res.RefreshToken.Raw
	_, err = c.Introspect(ctx, at, "access_token")
	var oe *flows.OAuthError
	if !errors.As(err, &oe) || oe.Code != "unsupported_token_type" || oe.Endpoint != "introspection" {
		t.Fatalf("introspect JWT access token: %v; want unsupported_token_type", err)
	}
	if got := flows.Hint(err); !strings.Contains(got, "RFC 9068") {
		t.Errorf("Explain = %q", got)
	}
	if err := c.Revoke(ctx, at, "access_token"); !errors.As(err, &oe) || oe.Code != "unsupported_token_type" {
		t.Errorf("revoke JWT access token: %v; want unsupported_token_type", err)
	}
	if in, err := c.Introspect(ctx, rt, "refresh_token"); err != nil || !in.Active {
		t.Errorf("introspect refresh token = %+v, %v", in, err)
	}
	if err := c.Revoke(ctx, rt, "refresh_token"); err != nil {
		t.Errorf("revoke refresh token: %v", err)
	}
}
