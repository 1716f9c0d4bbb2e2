package flows

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokeninspector/tokeninspector/settings"
	"github.com/tokeninspector/tokeninspector/token"
)

func TestLoginFakeIdP(t *testing.T) {
	f := newFakeIdP(t)
	c := newTestClient(t, f, Config{Settings: settings.Settings{Scopes: []string{"openid"}, Params: url.Values{"prompt": {"login"}}, Resources: []string{"https://api.a", "https://api.b"}}},
		WithBrowser(redirectBrowser))
	var shown string
	res, err := c.Login(context.Background(), LoginOptions{OnURL: func(u string) { shown = u }})
	if err != nil {
		t.Fatal(err)
	}
	q := mustQuery(t, shown)
	if q.Get("prompt") != "login" || len(q["resource"]) != 2 || q.Get("nonce") == "" || len(q.Get("state")) < 43 {
		t.Errorf("authorization URL lacks parameters: %s", shown)
	}
	if !strings.HasPrefix(q.Get("redirect_uri"), "http://127.0.0.1:") || !strings.HasSuffix(q.Get("redirect_uri"), "/callback") {
		t.Errorf("redirect_uri = %q; want http://127.0.0.1:PORT/callback", q.Get("redirect_uri"))
	}
	if res.IDToken == nil || !res.IDToken.OK() {
		t.Fatalf("ID token not OK: %+v", res.IDToken)
	}
	if chk, _ := res.IDToken.Report.Check("nonce"); chk.Status != token.Pass {
		t.Errorf("nonce check = %+v; want pass", chk)
	}
	if res.AccessToken.Report.Kind != token.KindOpaque || res.Raw["x_extra"] != "kept" || res.ExpiresIn != 3600 {
		t.Errorf("result = %+v", res)
	}
	if f.jwksCount() != 1 {
		t.Errorf("JWKS fetched %d times; want 1", f.jwksCount())
	}
	// RFC 8707 §2.2: the code exchange carries every resource indicator.
	f.mu.Lock()
	form := f.lastForm
	f.mu.Unlock()
	if got := form["resource"]; len(got) != 2 || got[0] != "https://api.a" || got[1] != "https://api.b" {
		t.Errorf("token request resources = %q; want both", got)
	}
	if got := res.IDToken.Report.Signature.Skipped; len(got) != 1 {
		t.Errorf("skipped keys = %v; want the one unusable key", got)
	}

	// Refresh: ID token checked against the original (OIDC Core §12.2), no nonce needed.
	ref, err := c.Refresh(context.Background(), res.RefreshToken.Raw, res)
	if err != nil {
		t.Fatal(err)
	}
	if !ref.IDToken.OK() {
		t.Errorf("refreshed ID token not OK: %+v", ref.IDToken.Report.Checks)
	}
	if f.jwksCount() != 1 {
		t.Errorf("JWKS fetched %d times after refresh; want 1", f.jwksCount())
	}
}

func TestLoginCallbackFailures(t *testing.T) {
	tests := []struct {
		name    string
		build   func(q url.Values) url.Values
		want    error
		wantErr string
	}{
		{"error callback", func(q url.Values) url.Values {
			return url.Values{"error": {"access_denied"}, "error_description": {"<b>nope</b>"}, "state": q["state"]}
		}, nil, `authorization endpoint returned OAuth error "access_denied": <b>nope</b>`},
		{"wrong iss", func(q url.Values) url.Values {
			return url.Values{"code": {"c"}, "state": q["state"], "iss": {"https://evil.example"}}
		}, ErrIssuerMismatch, ""},
		{"no code", func(q url.Values) url.Values { return url.Values{"state": q["state"]} }, nil, "neither code nor error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeIdP(t)
			pages := make(chan string, 1)
			browser := func(ctx context.Context, u string) error {
				au, _ := url.Parse(u)
				to, _ := url.Parse(au.Query().Get("redirect_uri"))
				to.RawQuery = tt.build(au.Query()).Encode()
				resp, err := http.Get(to.String())
				if err != nil {
					return err
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				pages <- string(b)
				return nil
			}
			c := newTestClient(t, f, Config{}, WithBrowser(browser))
			_, err := c.Login(context.Background(), LoginOptions{})
			if err == nil {
				t.Fatal("login succeeded")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v; want %v", err, tt.want)
			}
			if tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v; want it to contain %q", err, tt.wantErr)
			}
			page := <-pages
			if !strings.Contains(page, "Sign-in failed") {
				t.Errorf("browser page = %q; want the failure page", page)
			}
			if strings.Contains(page, "<b>nope") {
				t.Errorf("error description not escaped in page: %s", page)
			}
		})
	}
}

func TestLoginTimeoutAndCancel(t *testing.T) {
	f := newFakeIdP(t)
	noop := func(context.Context, string) error { return nil }
	c := newTestClient(t, f, Config{LoginTimeout: 200 * time.Millisecond}, WithBrowser(noop))
	// Discover first, so the short login timeout only covers the wait for
	// the callback (a slow discovery on a loaded machine is another error).
	if _, err := c.Discover(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(context.Background(), LoginOptions{}); !errors.Is(err, ErrLoginTimeout) {
		t.Errorf("err = %v; want ErrLoginTimeout", err)
	}
	// Cancel once the login waits for its callback (no wall-clock guess).
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c2 := newTestClient(t, f, Config{}, WithBrowser(noop))
	if _, err := c2.Login(ctx, LoginOptions{OnURL: func(string) { cancel() }}); !errors.Is(err, ErrLoginCancelled) {
		t.Errorf("err = %v; want ErrLoginCancelled", err)
	}
}

func TestLoginListenerClosedAfterCallback(t *testing.T) {
	f := newFakeIdP(t)
	var redirect string
	c := newTestClient(t, f, Config{}, WithBrowser(redirectBrowser))
	if _, err := c.Login(context.Background(), LoginOptions{OnURL: func(u string) { redirect = mustQuery(t, u).Get("redirect_uri") }}); err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Get(redirect); err == nil {
		resp.Body.Close()
		t.Errorf("listener still answers after the login (HTTP %d)", resp.StatusCode)
	}
}

func TestLoginBrowserFailureReported(t *testing.T) {
	f := newFakeIdP(t)
	failing := func(context.Context, string) error { return errors.New("no display") }
	c := newTestClient(t, f, Config{}, WithBrowser(failing))
	var reported error
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The login keeps waiting after the report (the URL can be opened by
	// hand); the test ends it once the report has arrived.
	_, err := c.Login(ctx, LoginOptions{OnBrowserError: func(e error) { reported = e; cancel() }})
	if !errors.Is(err, ErrLoginCancelled) || reported == nil || !strings.Contains(reported.Error(), "open the URL by hand") {
		t.Errorf("err = %v, reported = %v", err, reported)
	}
}

func TestLoopbackHosts(t *testing.T) {
	for _, tt := range []struct{ in, want string }{{"", "127.0.0.1"}, {"127.0.0.1", "127.0.0.1"}, {"[::1]", "[::1]"}, {"::1", "[::1]"}} {
		if got, err := loopbackLiteral(tt.in); err != nil || got != tt.want {
			t.Errorf("loopbackLiteral(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := loopbackLiteral("localhost"); err == nil {
		t.Error("localhost accepted; RFC 8252 §8.3 recommends against it")
	}
}

func TestReservedParamRefused(t *testing.T) {
	f := newFakeIdP(t)
	c := newTestClient(t, f, Config{Settings: settings.Settings{Params: url.Values{"state": {"fixed"}}}}, WithBrowser(redirectBrowser))
	if _, err := c.Login(context.Background(), LoginOptions{}); err == nil || !strings.Contains(err.Error(), "cannot be overridden") {
		t.Errorf("err = %v; want a refusal to override state", err)
	}
}

func mustQuery(t *testing.T, u string) url.Values {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return p.Query()
}

// TestRefreshIDTokenMustMatchOriginal: an ID token from a refresh is checked
// against the login's ID token (OIDC Core §12.2): another sub fails.
func TestRefreshIDTokenMustMatchOriginal(t *testing.T) {
	f := newFakeIdP(t)
	c := newTestClient(t, f, Config{}, WithBrowser(redirectBrowser))
	ctx := context.Background()
	res, err := c.Login(ctx, LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f.hook("/token", func(w http.ResponseWriter, r *http.Request) {
		claims := map[string]any{"iss": f.issuer(), "sub": "mallory", "aud": "cli", "azp": "cli",
			"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}
		writeJSONResp(w, 200, map[string]any{"access_token": "at-2", "token_type": "Bearer", "id_token": f.sign(claims)})
	})
	ref, err := c.Refresh(ctx, res.RefreshToken.Raw, res)
	if err != nil {
		t.Fatal(err)
	}
	if ref.IDToken == nil || ref.IDToken.OK() || ref.OK() {
		t.Fatalf("refreshed ID token for another sub passed: %+v", ref.IDToken)
	}
	failed := false
	for _, chk := range ref.IDToken.Report.Checks {
		if chk.Status == token.Fail && strings.Contains(chk.Message, "mallory") {
			failed = true
		}
	}
	if !failed {
		t.Errorf("no failed check names the changed sub: %+v", ref.IDToken.Report.Checks)
	}
	if ref.RefreshToken == nil || ref.RefreshToken.Raw != res.RefreshToken.Raw {
		t.Errorf("refresh token not kept when the server does not rotate it: %+v", ref.RefreshToken)
	}
}

// TestLoginIssWithoutIssuer: a profile with manual endpoints and no issuer
// cannot check an RFC 9207 iss; the login fails and says what to set.
func TestLoginIssWithoutIssuer(t *testing.T) {
	f := newFakeIdP(t)
	i := f.issuer()
	browser := callbackBrowser(func(q url.Values) url.Values {
		return url.Values{"code": {"c"}, "state": q["state"], "iss": {i}}
	})
	c, err := NewClient(Config{Settings: settings.Settings{ClientID: "cli", Endpoints: settings.Endpoints{Authorization: i + "/authorize", Token: i + "/token"}}},
		WithBrowser(browser), WithJWKSCache(NewJWKSCache(nil)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Login(context.Background(), LoginOptions{})
	if !errors.Is(err, ErrIssuerMismatch) || !strings.Contains(err.Error(), "set the profile's issuer") {
		t.Errorf("err = %v; want an issuer mismatch that says to set the issuer", err)
	}
}

// TestLoopbackIgnoresForgedCallbacks: a callback with a wrong or missing
// state gets a 400 page and is recorded, and the login goes on to finish
// with the genuine callback; "/" reveals nothing (no authorization URL, no
// state) to other local processes.
func TestLoopbackIgnoresForgedCallbacks(t *testing.T) {
	f := newFakeIdP(t)
	var problems []string
	browser := func(ctx context.Context, u string) error {
		q := mustQuery(t, u)
		cb, _ := url.Parse(q.Get("redirect_uri"))
		root := *cb
		root.Path = "/"
		for _, forged := range []string{root.String(), cb.String() + "?code=c-forged&state=forged", cb.String() + "?code=c-forged"} {
			resp, err := http.Get(forged)
			if err != nil {
				return err
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if want := http.StatusBadRequest; forged == root.String() {
				want = http.StatusNotFound
				if resp.StatusCode != want || strings.Contains(string(body), q.Get("state")) || resp.Header.Get("Location") != "" {
					problems = append(problems, fmt.Sprintf("GET / answered %d %q", resp.StatusCode, body))
				}
			} else if resp.StatusCode != want {
				problems = append(problems, fmt.Sprintf("%s answered %d; want %d", forged, resp.StatusCode, want))
			}
		}
		return redirectBrowser(ctx, u)
	}
	c := newTestClient(t, f, Config{}, WithBrowser(browser))
	if _, err := c.Login(context.Background(), LoginOptions{}); err != nil {
		t.Fatalf("a forged callback ended the login: %v", err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	var refused, genuine int
	for _, x := range c.Transcript() {
		if x.Endpoint != "callback" {
			continue
		}
		if strings.Contains(x.URL, "c-forged") {
			t.Errorf("the transcript shows the callback's code: %s", x.URL)
		}
		switch x.Status {
		case http.StatusBadRequest:
			refused++
		case http.StatusOK:
			genuine++
		}
	}
	if refused != 2 || genuine != 1 {
		t.Errorf("transcript has %d refused and %d genuine callbacks; want 2 and 1", refused, genuine)
	}
}

// TestOpenIDLoginWithoutIDTokenFails: a login that asked for openid and got
// no id_token is a failure; UserInfo's sub must equal the ID token's.
func TestOpenIDLoginWithoutIDTokenFails(t *testing.T) {
	f := newFakeIdP(t)
	f.hook("/token", func(w http.ResponseWriter, r *http.Request) {
		writeJSONResp(w, http.StatusOK, map[string]any{"access_token": "opaque-at", "token_type": "Bearer"})
	})
	c := newTestClient(t, f, Config{Settings: settings.Settings{Scopes: []string{"openid", "profile"}}}, WithBrowser(redirectBrowser))
	res, err := c.Login(context.Background(), LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.OK() || len(res.Failures) != 1 || !strings.Contains(res.Failures[0], "no id_token") {
		t.Errorf("OK %v, failures %q; want the missing ID token named", res.OK(), res.Failures)
	}
}

func TestUserInfoSubMustMatchIDToken(t *testing.T) {
	f := newFakeIdP(t)
	c := newTestClient(t, f, Config{}, WithBrowser(redirectBrowser))
	res, err := c.Login(context.Background(), LoginOptions{})
	if err != nil || res.IDToken == nil {
		t.Fatalf("login: %v", err)
	}
	for sub, want := range map[string]token.CheckStatus{"alice": token.Pass, "mallory": token.Fail, "": token.Fail} {
		f.hook("/userinfo", func(w http.ResponseWriter, r *http.Request) {
			body := map[string]any{"email": "x@example.com"}
			if sub != "" {
				body["sub"] = sub
			}
			writeJSONResp(w, http.StatusOK, body)
		})
		ui, err := c.UserInfo(context.Background(), res.AccessToken.Raw)
		if err != nil {
			t.Fatal(err)
		}
		ui.CheckSubject(res.IDToken)
		if ui.SubCheck == nil || ui.SubCheck.Status != want || ui.OK() != (want == token.Pass) {
			t.Errorf("sub %q: check %+v, OK %v; want %s", sub, ui.SubCheck, ui.OK(), want)
		}
	}
}
