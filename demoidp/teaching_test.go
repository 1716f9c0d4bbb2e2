package demoidp

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/tokeninspector/tokeninspector/token"
)

// clientAssertion signs an RFC 7523 client assertion with the demo-jwt key.
func clientAssertion(t *testing.T, s *Server, aud string) string {
	t.Helper()
	block, _ := pem.Decode(s.ClientKeyPEM())
	if block == nil || block.Type != "PRIVATE KEY" {
		t.Fatalf("ClientKeyPEM is not a PKCS#8 PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	priv := k.(*rsa.PrivateKey)
	sgn, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: priv, KeyID: s.ClientKeyID()}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Unix()
	payload, _ := json.Marshal(map[string]any{"iss": JWTClientID, "sub": JWTClientID, "aud": aud, "jti": randString(),
		"iat": now, "exp": now + 300})
	obj, err := sgn.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := obj.CompactSerialize()
	return raw
}

func assertionForm(assertion string, more url.Values) url.Values {
	f := url.Values{"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {assertion}}
	for k, v := range more {
		f[k] = v
	}
	return f
}

func TestPrivateKeyJWT(t *testing.T) {
	s := startServer(t, Options{})
	for _, aud := range []string{s.Issuer() + "/token", s.Issuer()} {
		a := clientAssertion(t, s, aud)
		tk := tokenRequest(t, s, assertionForm(a, url.Values{"grant_type": {"client_credentials"}, "scope": {"api.read"}}), "", "")
		if tk.status != http.StatusOK {
			t.Fatalf("aud %s: %d %s %s", aud, tk.status, tk.Error, tk.Description)
		}
		_, at := verifyJWT(t, fetchJWKS(t, s), tk.AccessToken)
		if at["client_id"] != JWTClientID {
			t.Errorf("client_id = %v", at["client_id"])
		}
		// The same assertion (same jti) is refused the second time.
		again := tokenRequest(t, s, assertionForm(a, url.Values{"grant_type": {"client_credentials"}}), "", "")
		if again.status == http.StatusOK {
			t.Errorf("aud %s: a replayed client assertion was accepted", aud)
		}
		// demo-jwt may introspect with a fresh assertion.
		status, body := post(t, s.Issuer()+"/introspect", assertionForm(clientAssertion(t, s, aud), url.Values{"token": {tk.AccessToken}}), "", "")
		if status != http.StatusOK || !strings.Contains(string(body), `"active": true`) {
			t.Errorf("introspection with private_key_jwt: %d %s", status, body)
		}
	}
	wrongAud := tokenRequest(t, s, assertionForm(clientAssertion(t, s, "https://elsewhere.example/token"), url.Values{"grant_type": {"client_credentials"}}), "", "")
	if wrongAud.status != http.StatusUnauthorized {
		t.Errorf("assertion for another audience: %d %s", wrongAud.status, wrongAud.Error)
	}
	// A secret is not accepted for the private_key_jwt client.
	if tk := tokenRequest(t, s, url.Values{"grant_type": {"client_credentials"}}, JWTClientID, "guess"); tk.status == http.StatusOK {
		t.Error("demo-jwt authenticated with a secret")
	}
}

func TestRotateKey(t *testing.T) {
	var mu sync.Mutex
	clock := time.Now()
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	s := startServer(t, Options{Clock: now, KeyGrace: time.Minute})
	_, before := codeFlow(t, s, "alice")
	oldKid := s.SigningKeyID()

	newKid, err := s.RotateKey()
	if err != nil {
		t.Fatal(err)
	}
	if newKid == oldKid || s.SigningKeyID() != newKid {
		t.Fatalf("kid %q -> %q, SigningKeyID %q", oldKid, newKid, s.SigningKeyID())
	}
	if ids := s.KeyIDs(); len(ids) != 2 || ids[0] != newKid || ids[1] != oldKid {
		t.Errorf("KeyIDs() = %v", ids)
	}
	set := fetchJWKS(t, s)
	if len(set.Keys) != 2 || set.Keys[0].KeyID != newKid || set.Keys[1].KeyID != oldKid {
		t.Fatalf("JWKS during grace has kids %v, want [%s %s]", kids(set), newKid, oldKid)
	}
	h, _ := verifyJWT(t, set, before.AccessToken) // old token still verifies
	if h.KeyID != oldKid {
		t.Errorf("old token kid %q", h.KeyID)
	}
	if m := introspect(t, s, before.AccessToken); m["active"] != true {
		t.Errorf("token signed with the old key is inactive during the grace period: %v", m)
	}
	_, after := codeFlow(t, s, "alice")
	if h, _ := verifyJWT(t, set, after.IDToken); h.KeyID != newKid {
		t.Errorf("new ID token kid %q, want %q", h.KeyID, newKid)
	}

	mu.Lock()
	clock = clock.Add(2 * time.Minute)
	mu.Unlock()
	set = fetchJWKS(t, s)
	if len(set.Keys) != 1 || set.Keys[0].KeyID != newKid {
		t.Fatalf("JWKS after grace has kids %v, want [%s]", kids(set), newKid)
	}
	if m := introspect(t, s, before.AccessToken); m["active"] != false {
		t.Errorf("token signed with a retired key is still active: %v", m)
	}
}

func kids(set jose.JSONWebKeySet) []string {
	var out []string
	for _, k := range set.Keys {
		out = append(out, k.KeyID)
	}
	return out
}

// consentBrowser drives the pages by hand to reach the consent page.
func TestConsentDeny(t *testing.T) {
	s := startServer(t, Options{})
	cb := newCallback(t, "127.0.0.1")
	a := newAuthRequest(NativeClientID, cb.uri)
	b := &loginBrowser{c: noRedirectClient(t), idpHost: strings.TrimPrefix(s.Issuer(), "http://"), user: "alice", password: "secret"}
	ctx := context.Background()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.url(s.Issuer()), nil)
	page := fetchPage(t, b.c, req, "login")
	req, err := b.submit(ctx, req.URL, page)
	if err != nil {
		t.Fatal(err)
	}
	page = fetchPage(t, b.c, req, "consent")
	if !strings.Contains(string(page), "Your email address") || !strings.Contains(string(page), "Alice Anderson") {
		t.Errorf("consent page lacks the scope list or user:\n%s", page)
	}
	f, _ := parseForm(page)
	f.values.Set("decision", "deny")
	action, _ := req.URL.Parse(f.action)
	resp, err := b.c.PostForm(action.String(), f.values)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc == nil || loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != a.state {
		t.Fatalf("deny: %d %s, want error=access_denied with state", resp.StatusCode, resp.Header.Get("Location"))
	}
	// A forged consent post (no CSRF token) is refused.
	f.values.Set("csrf", "forged")
	f.values.Set("decision", "allow")
	resp, err = b.c.PostForm(action.String(), f.values)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("forged consent: status %d, want 400", resp.StatusCode)
	}
}

func noRedirectClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookieJar()
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func fetchPage(t *testing.T, c *http.Client, req *http.Request, want string) []byte {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `name="step" value="`+want+`"`) {
		t.Fatalf("want the %s page, got %d:\n%s", want, resp.StatusCode, body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP = %q", csp)
	}
	return body
}

func TestPagesEscape(t *testing.T) {
	s := startServer(t, Options{})
	a := newAuthRequest(NativeClientID, "http://127.0.0.1:5555/callback")
	a.state = `"><script>alert(1)</script>`
	resp, err := http.Get(a.url(s.Issuer()))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "<script>") {
		t.Fatalf("login page reflects markup unescaped:\n%s", body)
	}
}

// inspect runs token.Inspect with the provider's JWKS.
func inspect(t *testing.T, s *Server, raw string, opts token.Options) *token.Report {
	t.Helper()
	resp, err := http.Get(s.Issuer() + "/jwks")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	keys, err := token.ParseJWKS(data, "demo IdP JWKS")
	if err != nil {
		t.Fatalf("token.ParseJWKS: %v", err)
	}
	opts.Keys = keys
	r, err := token.Inspect(context.Background(), raw, opts)
	if err != nil {
		t.Fatalf("token.Inspect: %v", err)
	}
	return r
}

func checkStatus(r *token.Report, id string) token.CheckStatus {
	for _, c := range r.Checks {
		if c.ID == id {
			return c.Status
		}
	}
	return ""
}

func summary(r *token.Report) string {
	var b strings.Builder
	b.WriteString("signature " + string(r.Signature.Status) + " " + r.Signature.Reason + "\n")
	for _, c := range r.Checks {
		b.WriteString("  " + c.ID + " " + string(c.Status) + ": " + c.Message + "\n")
	}
	for _, w := range r.Warnings {
		b.WriteString("  warning " + w.ID + ": " + w.Message + "\n")
	}
	return b.String()
}

func TestTokensPassTokenChecks(t *testing.T) {
	s := startServer(t, Options{})
	a, tk := codeFlow(t, s, "alice")
	idOpts := token.Options{Expect: token.ExpectIDToken, Issuer: s.Issuer(), ClientID: NativeClientID,
		Nonce: a.nonce, AccessToken: tk.AccessToken}
	atOpts := token.Options{Expect: token.ExpectAccessToken, Issuer: s.Issuer(), Audience: APIAudience, ClientID: NativeClientID}
	cases := []struct {
		name string
		raw  string
		opts token.Options
		pass []string
	}{
		{"ID token", tk.IDToken, idOpts, []string{"iss", "aud", "azp", "exp", "iat", "nonce", "at_hash", "typ", "required"}},
		{"access token", tk.AccessToken, atOpts, []string{"iss", "aud", "exp", "iat", "typ", "required"}},
	}
	for _, c := range cases {
		r := inspect(t, s, c.raw, c.opts)
		t.Logf("%s:\n%s", c.name, summary(r))
		if !r.OK() || r.Signature.Status != token.SigValid {
			t.Errorf("%s: not OK:\n%s", c.name, summary(r))
		}
		for _, ch := range r.Checks {
			if ch.Status == token.Fail {
				t.Errorf("%s: check %s failed: %s", c.name, ch.ID, ch.Message)
			}
		}
		for _, id := range c.pass {
			if st := checkStatus(r, id); st != token.Pass {
				t.Errorf("%s: check %s is %q, want pass\n%s", c.name, id, st, summary(r))
			}
		}
	}
	// The refreshed ID token passes against the original (OIDC Core 12.2).
	orig := inspect(t, s, tk.IDToken, idOpts)
	ref := tokenRequest(t, s, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.RefreshToken}, "client_id": {NativeClientID}}, "", "")
	r := inspect(t, s, ref.IDToken, token.Options{Expect: token.ExpectIDToken, Issuer: s.Issuer(), ClientID: NativeClientID,
		AccessToken: ref.AccessToken, Original: orig})
	if !r.OK() {
		t.Errorf("refreshed ID token: not OK:\n%s", summary(r))
	}
}

func TestFlaws(t *testing.T) {
	s := startServer(t, Options{})
	cases := []struct {
		flaw   Flaw
		idFail string // failing check of the ID token ("" => signature)
		atFail string
		sigBad bool
	}{
		{FlawWrongAudience, "aud", "aud", false},
		{FlawExpired, "exp", "exp", false},
		{FlawBadSignature, "", "", true},
		{FlawAlgNone, "", "", true},
	}
	for _, c := range cases {
		t.Run(string(c.flaw), func(t *testing.T) {
			s.SetFlaw(c.flaw)
			if s.Flaw() != c.flaw {
				t.Fatalf("Flaw() = %q", s.Flaw())
			}
			a, tk := codeFlow(t, s, "bob")
			id := inspect(t, s, tk.IDToken, token.Options{Expect: token.ExpectIDToken, Issuer: s.Issuer(), ClientID: NativeClientID,
				Nonce: a.nonce, AccessToken: tk.AccessToken})
			at := inspect(t, s, tk.AccessToken, token.Options{Expect: token.ExpectAccessToken, Issuer: s.Issuer(), Audience: APIAudience})
			if id.OK() {
				t.Errorf("flawed ID token passes:\n%s", summary(id))
			}
			if c.idFail != "" && checkStatus(id, c.idFail) != token.Fail {
				t.Errorf("ID token check %s = %q, want fail\n%s", c.idFail, checkStatus(id, c.idFail), summary(id))
			}
			if c.sigBad && id.Signature.Status == token.SigValid {
				t.Errorf("ID token signature is valid")
			}
			if c.flaw == FlawAlgNone {
				if h, _ := unverifiedClaims(t, tk.IDToken); h["alg"] != "none" {
					t.Errorf("alg = %v", h["alg"])
				}
				if !at.OK() {
					t.Errorf("alg-none flaw spoiled the access token:\n%s", summary(at))
				}
				return
			}
			if at.OK() {
				t.Errorf("flawed access token passes:\n%s", summary(at))
			}
			if c.atFail != "" && checkStatus(at, c.atFail) != token.Fail {
				t.Errorf("access token check %s = %q, want fail\n%s", c.atFail, checkStatus(at, c.atFail), summary(at))
			}
			if c.sigBad && at.Signature.Status == token.SigValid {
				t.Errorf("access token signature is valid")
			}
			// The provider's own resource endpoint rejects what the flaw breaks.
			wantUserInfo := http.StatusUnauthorized
			if c.flaw == FlawWrongAudience {
				wantUserInfo = http.StatusOK // the audience is the API's to check, not userinfo's
			}
			if status, m := getJSON(t, s.Issuer()+"/userinfo", tk.AccessToken); status != wantUserInfo {
				t.Errorf("userinfo: %d %v, want %d", status, m, wantUserInfo)
			}
		})
	}
	s.SetFlaw(FlawNone)
	_, tk := codeFlow(t, s, "bob")
	if r := inspect(t, s, tk.AccessToken, token.Options{Expect: token.ExpectAccessToken, Issuer: s.Issuer(), Audience: APIAudience}); !r.OK() {
		t.Errorf("after FlawNone the access token fails:\n%s", summary(r))
	}
	s.SetFlaw("bogus")
	if s.Flaw() != FlawNone {
		t.Errorf("SetFlaw(bogus) left %q", s.Flaw())
	}
}

func TestPromptLoginAndSSO(t *testing.T) {
	s := startServer(t, Options{})
	cb := newCallback(t, "127.0.0.1")
	c := noRedirectClient(t)
	b := &loginBrowser{c: c, idpHost: strings.TrimPrefix(s.Issuer(), "http://"), user: "alice", password: "secret"}
	if err := b.run(context.Background(), mustURL(newAuthRequest(NativeClientID, cb.uri).url(s.Issuer()))); err != nil {
		t.Fatal(err)
	}
	cb.wait(t)
	// Same browser, same scopes: single sign-on, no page at all.
	a := newAuthRequest(NativeClientID, cb.uri)
	resp, err := c.Get(a.url(s.Issuer()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc, _ := url.Parse(resp.Header.Get("Location")); loc == nil || loc.Query().Get("code") == "" {
		t.Fatalf("SSO: %d %s, want a redirect with a code", resp.StatusCode, resp.Header.Get("Location"))
	}
	// prompt=login shows the login page again, and then issues a code.
	a = newAuthRequest(NativeClientID, cb.uri)
	a.extra = url.Values{"prompt": {"login"}}
	req, _ := http.NewRequest(http.MethodGet, a.url(s.Issuer()), nil)
	fetchPage(t, c, req, "login")
	b.loggedIn = false
	if err := b.run(context.Background(), req.URL); err != nil {
		t.Fatalf("prompt=login: %v", err)
	}
	q := cb.wait(t)
	tk := tokenRequest(t, s, url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")},
		"redirect_uri": {a.redirectURI}, "client_id": {NativeClientID}, "code_verifier": {a.pkce.verifier}}, "", "")
	if tk.status != http.StatusOK {
		t.Fatalf("prompt=login token: %d %s %s", tk.status, tk.Error, tk.Description)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestPruneBrowsers(t *testing.T) {
	s := &Server{browsers: map[string]*browser{}}
	now := time.Now()
	alice := demoUsers()[0]
	s.browsers["fresh-anon"] = &browser{id: "fresh-anon", created: now.Add(-time.Minute)}
	s.browsers["old-anon"] = &browser{id: "old-anon", created: now.Add(-time.Hour)}
	s.browsers["signed-in"] = &browser{id: "signed-in", created: now.Add(-time.Hour), user: &alice}
	s.browsers["ancient"] = &browser{id: "ancient", created: now.Add(-48 * time.Hour), user: &alice}
	s.pruneBrowsers(now)
	var left []string
	for id := range s.browsers {
		left = append(left, id)
	}
	slices.Sort(left)
	if !slices.Equal(left, []string{"fresh-anon", "signed-in"}) {
		t.Errorf("after pruning: %v", left)
	}
}

// An authorization request sent as a POST form (OIDC Core 3.1.2.1) keeps its
// parameters through the login and consent pages.
func TestAuthorizeByPost(t *testing.T) {
	s := startServer(t, Options{})
	cb := newCallback(t, "127.0.0.1")
	a := newAuthRequest(NativeClientID, cb.uri)
	full := mustURL(a.url(s.Issuer()))
	c := noRedirectClient(t)
	b := &loginBrowser{c: c, idpHost: full.Host, user: "alice", password: "secret"}
	req, _ := http.NewRequest(http.MethodPost, s.Issuer()+"/authorize", strings.NewReader(full.RawQuery))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	page := fetchPage(t, c, req, "login")
	next, err := b.submit(context.Background(), req.URL, page)
	if err != nil {
		t.Fatal(err)
	}
	page = fetchPage(t, c, next, "consent")
	if next, err = b.submit(context.Background(), next.URL, page); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(next)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc == nil || loc.Query().Get("code") == "" || loc.Query().Get("state") != a.state {
		t.Fatalf("got %d %s, want a redirect with code and state", resp.StatusCode, resp.Header.Get("Location"))
	}
}
