package flows_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tokeninspector/tokeninspector/demoidp"
	"github.com/tokeninspector/tokeninspector/flows"
	"github.com/tokeninspector/tokeninspector/settings"
)

// Integration tests of issue 14 against the demo IdP: PAR (and required
// PAR), DPoP (bound tokens, nonce retry, bound refresh, key mismatch),
// logout, token exchange, external client assertions, the JWT bearer grant,
// and exact-redirect guidance.

func startIdPWith(t testing.TB, opts demoidp.Options) *demoidp.Server {
	t.Helper()
	s, err := demoidp.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func exchangesTo(c *flows.Client, endpoint string) []flows.Exchange {
	var out []flows.Exchange
	for _, x := range c.Transcript() {
		if x.Endpoint == endpoint {
			out = append(out, x)
		}
	}
	return out
}

// recordingBrowser signs in as alice and remembers the URLs it was given.
type recordingBrowser struct{ urls []string }

func (b *recordingBrowser) open(ctx context.Context, u string) error {
	b.urls = append(b.urls, u)
	return demoidp.LoginBrowser(ctx, u, "alice", "secret")
}

func TestDemoIdPLoginWithPAR(t *testing.T) {
	for _, required := range []bool{false, true} {
		t.Run("required="+strconv.FormatBool(required), func(t *testing.T) {
			s := startIdPWith(t, demoidp.Options{RequirePAR: required})
			b := &recordingBrowser{}
			cfg := flows.Config{Settings: settings.Settings{Issuer: s.Issuer(), ClientID: demoidp.WebClientID, PAR: !required,
				Scopes: []string{"openid", "profile"}}, ClientSecret: demoidp.WebClientSecret}
			c, err := flows.NewClient(cfg, flows.WithBrowser(b.open), flows.WithJWKSCache(flows.NewJWKSCache(nil)))
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.Login(context.Background(), flows.LoginOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !res.PAR || !res.OK() {
				t.Errorf("PAR %v, OK %v", res.PAR, res.OK())
			}
			pushed := exchangesTo(c, "par")
			if len(pushed) != 1 || pushed[0].Status != http.StatusCreated || !strings.Contains(pushed[0].RequestBody, "code_challenge=") ||
				!strings.Contains(pushed[0].RequestBody, "client_id="+demoidp.WebClientID) {
				t.Fatalf("PAR exchange: %+v", pushed)
			}
			front, _ := url.Parse(b.urls[0])
			if q := front.Query(); len(q) != 2 || q.Get("request_uri") == "" || q.Get("client_id") != demoidp.WebClientID {
				t.Errorf("the browser got %s; want client_id and request_uri only", b.urls[0])
			}
		})
	}
}

func TestDemoIdPPARErrorExplained(t *testing.T) {
	s := startIdPWith(t, demoidp.Options{})
	c := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.WebClientID, PAR: true}, ClientSecret: "wrong"}, nil)
	_, err := c.Login(context.Background(), flows.LoginOptions{})
	var oe *flows.OAuthError
	if !errors.As(err, &oe) || oe.Endpoint != "par" || oe.Code != "invalid_client" || flows.Hint(err) == "" {
		t.Fatalf("err = %v", err)
	}
}

func TestDemoIdPDPoP(t *testing.T) {
	s := startIdPWith(t, demoidp.Options{DPoPNonce: true})
	keyFile := filepath.Join(t.TempDir(), "dpop.pem")
	key, created, err := flows.LoadOrCreateDPoPKey(keyFile)
	if err != nil || !created {
		t.Fatal(created, err)
	}
	cfg := flows.Config{Settings: settings.Settings{ClientID: demoidp.DPoPClientID, DPoP: true,
		Scopes: []string{"openid", "profile", "offline_access"}}, DPoPKey: key}
	c := demoClient(t, s, cfg, nil)
	ctx := context.Background()
	res, err := c.Login(ctx, flows.LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.TokenType != "DPoP" || res.DPoP == nil || !res.DPoP.Bound || res.DPoP.JKT != key.Thumbprint() ||
		!strings.Contains(res.DPoP.Verdict, "bound to this app's DPoP key") {
		t.Fatalf("binding = %+v (token_type %s)", res.DPoP, res.TokenType)
	}
	// The first token request had no nonce: 400 use_dpop_nonce, then a retry.
	tok := exchangesTo(c, "token")
	if len(tok) != 2 || tok[0].Status != 400 || !strings.Contains(tok[0].ResponseBody, "use_dpop_nonce") || tok[1].Status != 200 {
		t.Fatalf("token exchanges: %d %+v", len(tok), tok)
	}
	if tok[1].RequestHeaders.Get("Dpop") == "" {
		t.Error("no DPoP header in the transcript")
	}
	// userinfo: DPoP scheme, proof with ath, the resource server's own nonce.
	ui, err := c.UserInfo(ctx, res.AccessToken.Raw)
	if err != nil {
		t.Fatal(err)
	}
	if ui.Raw["sub"] != "u-1001" {
		t.Errorf("userinfo %v", ui.Raw)
	}
	uis := exchangesTo(c, "userinfo")
	if len(uis) != 2 || uis[0].Status != 401 || !strings.HasPrefix(uis[0].RequestHeaders.Get("Authorization"), "DPoP ") {
		t.Errorf("userinfo exchanges: %+v", uis)
	}

	t.Run("refresh in another process with the key file", func(t *testing.T) {
		again, _, err := flows.LoadOrCreateDPoPKey(keyFile)
		if err != nil {
			t.Fatal(err)
		}
		cfg2 := cfg
		cfg2.DPoPKey = again
		r2, err := demoClient(t, s, cfg2, nil).Refresh(ctx, res.RefreshToken.Raw, res)
		if err != nil || !r2.DPoP.Bound {
			t.Fatalf("refresh with the same key: %v %+v", err, r2)
		}
		res = r2
	})
	t.Run("refresh with another key is refused", func(t *testing.T) {
		cfg3 := cfg
		cfg3.DPoPKey = nil // a fresh key
		_, err := demoClient(t, s, cfg3, nil).Refresh(ctx, res.RefreshToken.Raw, res)
		var oe *flows.OAuthError
		if !errors.As(err, &oe) || oe.Code != "invalid_dpop_proof" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("cnf.jkt mismatch shown", func(t *testing.T) {
		other, _ := flows.NewDPoPKey()
		if v := flows.BindingVerdict(flows.TokenJKT(res.AccessToken), other); !strings.Contains(v, "bound to another key") {
			t.Errorf("verdict %q", v)
		}
		cfg4 := cfg
		cfg4.DPoPKey = other
		_, err := demoClient(t, s, cfg4, nil).UserInfo(ctx, res.AccessToken.Raw)
		var oe *flows.OAuthError
		if !errors.As(err, &oe) || oe.Code != "invalid_token" {
			t.Fatalf("userinfo with another key: %v", err)
		}
	})
}

// TestDemoIdPDPoPConfidential: a confidential client's DPoP-bound token,
// with a proof on the token and introspection requests.
func TestDemoIdPDPoPConfidential(t *testing.T) {
	srv := startIdPWith(t, demoidp.Options{})
	c := demoClient(t, srv, flows.Config{Settings: settings.Settings{ClientID: demoidp.M2MClientID, DPoP: true}, ClientSecret: demoidp.M2MClientSecret}, nil)
	res, err := c.ClientCredentials(context.Background())
	if err != nil || !res.DPoP.Bound {
		t.Fatalf("bound M2M token: %v %+v", err, res)
	}
	in, err := c.Introspect(context.Background(), res.AccessToken.Raw, "access_token")
	if err != nil || !in.Active || in.Raw["token_type"] != "DPoP" {
		t.Fatalf("introspection: %v %+v", err, in)
	}
	for _, ep := range []string{"token", "introspection"} {
		for _, x := range exchangesTo(c, ep) {
			if x.RequestHeaders.Get("Dpop") == "" {
				t.Errorf("%s request without a proof", ep)
			}
		}
	}
}

func TestDemoIdPLogout(t *testing.T) {
	s := startIdPWith(t, demoidp.Options{})
	var logoutURL string
	browser := func(ctx context.Context, u string) error {
		if !strings.Contains(u, "/logout") {
			return demoidp.LoginBrowser(ctx, u, "alice", "secret")
		}
		logoutURL = u
		resp, err := http.Get(u) // follows the redirect to the loopback listener
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		page, _ := io.ReadAll(resp.Body)
		if !strings.Contains(string(page), "Signed out") {
			t.Errorf("the listener's page after logout: %s", page)
		}
		return nil
	}
	c, err := flows.NewClient(flows.Config{Settings: settings.Settings{Issuer: s.Issuer(), ClientID: demoidp.NativeClientID}},
		flows.WithBrowser(browser), flows.WithJWKSCache(flows.NewJWKSCache(nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := c.Login(ctx, flows.LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Logout(ctx, res.IDToken.Raw, flows.LogoutOptions{})
	if err != nil || !out.Returned {
		t.Fatalf("logout: %v %+v", err, out)
	}
	q := mustQuery(t, logoutURL)
	if q.Get("id_token_hint") != res.IDToken.Raw || q.Get("state") == "" || !strings.HasSuffix(q.Get("post_logout_redirect_uri"), flows.PostLogoutRedirectPath) {
		t.Errorf("logout URL %s", logoutURL)
	}
}

func mustQuery(t *testing.T, raw string) url.Values {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

func TestDemoIdPTokenExchange(t *testing.T) {
	s := startIdPWith(t, demoidp.Options{})
	ctx := context.Background()
	web := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.WebClientID, Scopes: []string{"openid", "api.read"}}, ClientSecret: demoidp.WebClientSecret}, nil)
	login, err := web.Login(ctx, flows.LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m2m, err := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.M2MClientID, Scopes: []string{"api.read"}}, ClientSecret: demoidp.M2MClientSecret}, nil).ClientCredentials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := web.TokenExchange(ctx, flows.TokenExchangeRequest{SubjectToken: login.AccessToken.Raw, SubjectTokenType: "access_token",
		ActorToken: m2m.AccessToken.Raw, ActorTokenType: flows.TokenTypeAccessToken, Audience: []string{demoidp.ReportsAudience}, Scopes: []string{"api.read"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Grant != "token_exchange" || res.Raw["issued_token_type"] != flows.TokenTypeAccessToken {
		t.Errorf("result %+v", res.Raw)
	}
	claims := map[string]json.RawMessage{}
	for _, cl := range res.AccessToken.Report.Claims {
		claims[cl.Name] = cl.Value
	}
	if chain := flows.Delegation(claims); len(chain) != 1 || !strings.Contains(chain[0], demoidp.M2MClientID) {
		t.Errorf("delegation %v", chain)
	}
	_, err = web.TokenExchange(ctx, flows.TokenExchangeRequest{SubjectToken: login.AccessToken.Raw, SubjectTokenType: "access_token", Scopes: []string{"api.write"}})
	var oe *flows.OAuthError
	if !errors.As(err, &oe) || oe.Code != "invalid_scope" {
		t.Errorf("widening: %v", err)
	}
}

func TestDemoIdPExternalClientAssertion(t *testing.T) {
	s := startIdPWith(t, demoidp.Options{})
	ctx := context.Background()
	tokenURL := s.Issuer() + "/token"
	good, _ := s.ExternalAssertion(demoidp.WorkloadSubject, tokenURL)
	file := filepath.Join(t.TempDir(), "token")
	os.WriteFile(file, []byte(good+"\n"), 0o600)
	c := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.WorkloadClientID, ClientAssertionFile: file, Scopes: []string{"api.read"}}}, nil)
	res, err := c.ClientCredentials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.ClientAssertion == nil || res.ClientAssertion.Issuer != s.ExternalIssuer() || len(res.ClientAssertion.Findings) != 0 {
		t.Errorf("assertion check %+v", res.ClientAssertion)
	}
	t.Run("refusal explained", func(t *testing.T) {
		bad, _ := s.ExternalAssertion("repo:evil/app:ref:refs/heads/main", "api://AzureADTokenExchange")
		c := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.WorkloadClientID}, ClientAssertion: bad}, nil)
		_, err := c.ClientCredentials(ctx)
		ex := flows.Hint(err)
		if !strings.Contains(ex, "repo:evil/app") || !strings.Contains(ex, "aud names neither the token endpoint") {
			t.Errorf("err %v\nexplain %q", err, ex)
		}
	})
	t.Run("expired is not sent", func(t *testing.T) {
		expired := unsignedJWT(map[string]any{"iss": "x", "sub": "y", "aud": tokenURL, "exp": time.Now().Add(-time.Hour).Unix()})
		c := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.WorkloadClientID}, ClientAssertion: expired}, nil)
		_, err := c.ClientCredentials(ctx)
		if err == nil || !strings.Contains(err.Error(), "expired") || len(exchangesTo(c, "token")) != 0 {
			t.Errorf("err %v, exchanges %d", err, len(exchangesTo(c, "token")))
		}
	})
}

func unsignedJWT(claims map[string]any) string {
	b, _ := json.Marshal(claims)
	return "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString(b) + ".c2ln"
}

func TestDemoIdPJWTBearerGrant(t *testing.T) {
	s := startIdPWith(t, demoidp.Options{})
	assertion, _ := s.ExternalAssertion("u-1002", s.Issuer()+"/token")
	c := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.WebClientID, Scopes: []string{"openid", "api.read"}}, ClientSecret: demoidp.WebClientSecret}, nil)
	res, err := c.JWTBearer(context.Background(), assertion)
	if err != nil {
		t.Fatal(err)
	}
	if res.Grant != "jwt_bearer" || !res.OK() || !strings.Contains(string(claimValue(res, "sub")), "u-1002") {
		t.Errorf("result OK %v sub %s", res.OK(), claimValue(res, "sub"))
	}
}

func claimValue(res *flows.Result, name string) json.RawMessage {
	for _, cl := range res.AccessToken.Report.Claims {
		if cl.Name == name {
			return cl.Value
		}
	}
	return nil
}

// TestDemoIdPExactRedirect: a provider that accepts only its exact
// registered redirect URI; the login with a random port stops before the
// browser with the guidance to set a fixed port, and works with it.
func TestDemoIdPExactRedirect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	exact := "http://127.0.0.1:" + strconv.Itoa(port) + "/callback"
	s := startIdPWith(t, demoidp.Options{ExactRedirectURI: exact})
	opened := false
	c, _ := flows.NewClient(flows.Config{Settings: settings.Settings{Issuer: s.Issuer(), ClientID: demoidp.ExactClientID}},
		flows.WithBrowser(func(context.Context, string) error { opened = true; return nil }))
	_, err = c.Login(context.Background(), flows.LoginOptions{})
	ex := flows.Hint(err)
	if err == nil || opened || !strings.Contains(ex, "fixed redirect port") || !strings.Contains(ex, "53682") {
		t.Fatalf("random port: opened %v, err %v\nexplain %q", opened, err, ex)
	}

	t.Run("the fixed port is busy", func(t *testing.T) {
		c := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.ExactClientID, RedirectPort: port}}, nil)
		_, err := c.Login(context.Background(), flows.LoginOptions{})
		var busy *flows.PortInUseError
		if !errors.As(err, &busy) || busy.Port != port {
			t.Fatalf("err = %v", err)
		}
		if _, statErr := os.Stat("/proc/net/tcp"); statErr == nil && !strings.Contains(busy.Owner, "pid "+strconv.Itoa(os.Getpid())) {
			t.Errorf("owner %q, want this test process (pid %d)", busy.Owner, os.Getpid())
		}
	})
	ln.Close()
	res, err := demoClient(t, s, flows.Config{Settings: settings.Settings{ClientID: demoidp.ExactClientID, RedirectPort: port}}, nil).Login(context.Background(), flows.LoginOptions{})
	if err != nil || res.RedirectURI != exact {
		t.Fatalf("fixed port: %v", err)
	}
}
