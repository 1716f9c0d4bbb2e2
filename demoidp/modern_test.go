package demoidp

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// dpopKey makes RFC 9449 proofs for the tests, independently of package flows.
type dpopKey struct {
	priv *ecdsa.PrivateKey
	jkt  string
}

func newDPoPKey(t *testing.T) *dpopKey {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tp, err := (&jose.JSONWebKey{Key: &priv.PublicKey}).Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return &dpopKey{priv: priv, jkt: base64.RawURLEncoding.EncodeToString(tp)}
}

// proof signs claims with the given header changes applied.
func (k *dpopKey) proofWith(t *testing.T, claims map[string]any, typ string, embedPrivate bool) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType(jose.ContentType(typ))
	if embedPrivate {
		opts = opts.WithHeader("jwk", jose.JSONWebKey{Key: k.priv})
	} else {
		opts.EmbedJWK = true
	}
	sg, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: k.priv}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	obj, err := sg.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := obj.CompactSerialize()
	return s
}

func (k *dpopKey) proof(t *testing.T, method, htu, accessToken, nonce string) string {
	c := map[string]any{"jti": randString(), "htm": method, "htu": htu, "iat": time.Now().Unix()}
	if accessToken != "" {
		c["ath"] = accessTokenHash(accessToken)
	}
	if nonce != "" {
		c["nonce"] = nonce
	}
	return k.proofWith(t, c, "dpop+jwt", false)
}

// send posts a form (or GETs when form is nil) with the given headers.
func send(t *testing.T, method, endpoint string, form url.Values, header http.Header) (*http.Response, map[string]any) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, endpoint, body)
	for k, v := range header {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp, m
}

func basic(user, pass string) http.Header {
	r := &http.Request{Header: http.Header{}}
	r.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(pass))
	return r.Header
}

// codeForm is the token request redeeming the code of a.
func codeForm(a authRequest, code string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {a.redirectURI},
		"client_id": {a.clientID}, "code_verifier": {a.pkce.verifier}}
}

// pushForm is a's authorization request as a PAR body.
func (a authRequest) pushForm() url.Values {
	u, _ := url.Parse(a.url("http://x"))
	return u.Query()
}

func browse(t *testing.T, authURL string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := LoginBrowser(ctx, authURL, "alice", "secret"); err != nil {
		t.Fatalf("LoginBrowser: %v", err)
	}
}

func TestPushedAuthorizationRequest(t *testing.T) {
	s := startServer(t, Options{})
	cb := newCallback(t, "127.0.0.1")
	a := newAuthRequest(WebClientID, cb.uri)
	resp, par := send(t, "POST", s.Issuer()+"/par", a.pushForm(), basic(WebClientID, WebClientSecret))
	uri, _ := par["request_uri"].(string)
	if resp.StatusCode != http.StatusCreated || !strings.HasPrefix(uri, "urn:ietf:params:oauth:request_uri:") || par["expires_in"] == nil {
		t.Fatalf("PAR: %d %v", resp.StatusCode, par)
	}
	front := s.Issuer() + "/authorize?" + url.Values{"client_id": {WebClientID}, "request_uri": {uri}}.Encode()
	browse(t, front)
	q := cb.wait(t)
	if q.Get("state") != a.state || q.Get("code") == "" {
		t.Fatalf("callback %v", q)
	}
	tk := tokenRequest(t, s, codeForm(a, q.Get("code")), WebClientID, WebClientSecret)
	if tk.status != 200 || tk.AccessToken == "" {
		t.Fatalf("token: %+v", tk)
	}
	// RFC 9126 section 4: the request_uri is used once.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r2, err := noRedirect.Get(front)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode < 400 {
		t.Errorf("second use of the request_uri: %d, want an error", r2.StatusCode)
	}

	t.Run("errors explained like the token endpoint's", func(t *testing.T) {
		bad := newAuthRequest(WebClientID, "https://evil.example/callback").pushForm()
		resp, m := send(t, "POST", s.Issuer()+"/par", bad, basic(WebClientID, WebClientSecret))
		if resp.StatusCode != 400 || m["error"] != "invalid_request" {
			t.Errorf("bad redirect: %d %v", resp.StatusCode, m)
		}
		resp, m = send(t, "POST", s.Issuer()+"/par", a.pushForm(), basic(WebClientID, "wrong"))
		if resp.StatusCode != 401 || m["error"] != "invalid_client" {
			t.Errorf("bad secret: %d %v", resp.StatusCode, m)
		}
	})
}

func TestRequiredPAR(t *testing.T) {
	s := startServer(t, Options{RequirePAR: true})
	_, meta := getJSON(t, s.Issuer()+"/.well-known/openid-configuration", "")
	if meta["require_pushed_authorization_requests"] != true || meta["pushed_authorization_request_endpoint"] != s.Issuer()+"/par" {
		t.Fatalf("metadata: %v", meta)
	}
	cb := newCallback(t, "127.0.0.1")
	a := newAuthRequest(NativeClientID, cb.uri)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(a.url(s.Issuer()))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(body), "invalid_request") || !strings.Contains(string(body), "Pushed Authorization Requests are enforced") {
		t.Fatalf("unpushed request: %d %s", resp.StatusCode, body)
	}
	r, par := send(t, "POST", s.Issuer()+"/par", a.pushForm(), nil)
	if r.StatusCode != 201 {
		t.Fatalf("PAR (public client): %d %v", r.StatusCode, par)
	}
	browse(t, s.Issuer()+"/authorize?"+url.Values{"client_id": {NativeClientID}, "request_uri": {par["request_uri"].(string)}}.Encode())
	if q := cb.wait(t); q.Get("code") == "" {
		t.Fatalf("callback %v", q)
	}
	s.SetRequirePAR(false)
	if _, meta := getJSON(t, s.Issuer()+"/.well-known/openid-configuration", ""); meta["require_pushed_authorization_requests"] != false {
		t.Error("SetRequirePAR(false) not reflected in the metadata")
	}
}

// dpopLogin runs the native-client login with a DPoP-bound code (dpop_jkt)
// for client and returns its tokens.
func dpopLogin(t *testing.T, s *Server, client string, k *dpopKey) (authRequest, tokens) {
	t.Helper()
	cb := newCallback(t, "127.0.0.1")
	a := newAuthRequest(client, cb.uri)
	a.extra = url.Values{"dpop_jkt": {k.jkt}}
	browse(t, a.url(s.Issuer()))
	q := cb.wait(t)
	resp, m := send(t, "POST", s.Issuer()+"/token", codeForm(a, q.Get("code")), http.Header{"Dpop": {k.proof(t, "POST", s.Issuer()+"/token", "", "")}})
	if resp.StatusCode != 200 {
		t.Fatalf("DPoP token request: %d %v", resp.StatusCode, m)
	}
	b, _ := json.Marshal(m)
	var tk tokens
	json.Unmarshal(b, &tk)
	return a, tk
}

func TestDPoPBoundTokens(t *testing.T) {
	s := startServer(t, Options{})
	k := newDPoPKey(t)
	_, tk := dpopLogin(t, s, DPoPClientID, k)
	if tk.TokenType != "DPoP" {
		t.Errorf("token_type = %q, want DPoP", tk.TokenType)
	}
	_, at := verifyJWT(t, fetchJWKS(t, s), tk.AccessToken)
	if cnf, _ := at["cnf"].(map[string]any); cnf["jkt"] != k.jkt {
		t.Fatalf("cnf = %v, want jkt %s", at["cnf"], k.jkt)
	}
	ui := s.Issuer() + "/userinfo"
	t.Run("userinfo with DPoP scheme and ath", func(t *testing.T) {
		resp, m := send(t, "GET", ui, nil, http.Header{"Authorization": {"DPoP " + tk.AccessToken}, "Dpop": {k.proof(t, "GET", ui, tk.AccessToken, "")}})
		if resp.StatusCode != 200 || m["sub"] != "u-1001" {
			t.Fatalf("userinfo: %d %v", resp.StatusCode, m)
		}
	})
	t.Run("bound token as Bearer is refused", func(t *testing.T) {
		resp, _ := send(t, "GET", ui, nil, http.Header{"Authorization": {"Bearer " + tk.AccessToken}})
		if resp.StatusCode != 401 || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "DPoP ") || !strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Fatalf("got %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	})
	t.Run("proof by another key (cnf.jkt mismatch)", func(t *testing.T) {
		other := newDPoPKey(t)
		resp, m := send(t, "GET", ui, nil, http.Header{"Authorization": {"DPoP " + tk.AccessToken}, "Dpop": {other.proof(t, "GET", ui, tk.AccessToken, "")}})
		if resp.StatusCode != 401 || m["error"] != "invalid_token" {
			t.Fatalf("got %d %v", resp.StatusCode, m)
		}
	})
	t.Run("introspection shows cnf.jkt", func(t *testing.T) {
		_, m := send(t, "POST", s.Issuer()+"/introspect", url.Values{"token": {tk.AccessToken}}, basic(WebClientID, WebClientSecret))
		if cnf, _ := m["cnf"].(map[string]any); cnf["jkt"] != k.jkt || m["token_type"] != "DPoP" {
			t.Fatalf("introspection: %v", m)
		}
	})
	t.Run("public client's refresh token is bound", func(t *testing.T) {
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.RefreshToken}, "client_id": {DPoPClientID}}
		other := newDPoPKey(t)
		resp, m := send(t, "POST", s.Issuer()+"/token", form, http.Header{"Dpop": {other.proof(t, "POST", s.Issuer()+"/token", "", "")}})
		if resp.StatusCode != 400 || m["error"] != "invalid_dpop_proof" {
			t.Fatalf("refresh with another key: %d %v", resp.StatusCode, m)
		}
		resp, m = send(t, "POST", s.Issuer()+"/token", form, http.Header{"Dpop": {k.proof(t, "POST", s.Issuer()+"/token", "", "")}})
		if resp.StatusCode != 200 || m["token_type"] != "DPoP" {
			t.Fatalf("refresh with the key: %d %v", resp.StatusCode, m)
		}
	})
}

func TestDPoPProofChecks(t *testing.T) {
	s := startServer(t, Options{})
	k := newDPoPKey(t)
	tokenURL := s.Issuer() + "/token"
	cc := url.Values{"grant_type": {"client_credentials"}, "scope": {"api.read"}}
	now := time.Now().Unix()
	good := func() map[string]any {
		return map[string]any{"jti": randString(), "htm": "POST", "htu": tokenURL, "iat": now}
	}
	with := func(k2 string, v any) map[string]any { c := good(); c[k2] = v; return c }
	replayed := k.proof(t, "POST", tokenURL, "", "")
	if resp, m := send(t, "POST", tokenURL, cc, http.Header{"Dpop": {replayed}, "Authorization": basic(M2MClientID, M2MClientSecret)["Authorization"]}); resp.StatusCode != 200 || m["token_type"] != "DPoP" {
		t.Fatalf("first use: %d %v", resp.StatusCode, m)
	}
	cases := []struct {
		name, proof, want string
	}{
		{"replayed proof", replayed, "already used"},
		{"htu with another path", k.proofWith(t, with("htu", s.Issuer()+"/other"), "dpop+jwt", false), "htu"},
		{"htm GET", k.proofWith(t, with("htm", "GET"), "dpop+jwt", false), "htm"},
		{"typ JWT", k.proofWith(t, good(), "JWT", false), "typ"},
		{"private key in jwk", k.proofWith(t, good(), "dpop+jwt", true), "private"},
		{"old iat", k.proofWith(t, with("iat", now-3600), "dpop+jwt", false), "iat"},
		{"no jti", k.proofWith(t, with("jti", ""), "dpop+jwt", false), "jti"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, m := send(t, "POST", tokenURL, cc, http.Header{"Dpop": {c.proof}, "Authorization": basic(M2MClientID, M2MClientSecret)["Authorization"]})
			desc, _ := m["error_description"].(string)
			if resp.StatusCode != 400 || m["error"] != "invalid_dpop_proof" || !strings.Contains(desc, c.want) {
				t.Fatalf("got %d %v, want invalid_dpop_proof mentioning %q", resp.StatusCode, m, c.want)
			}
		})
	}
	t.Run("htu with a query is compared without it", func(t *testing.T) {
		p := k.proofWith(t, with("htu", tokenURL+"?x=1#f"), "dpop+jwt", false)
		if resp, m := send(t, "POST", tokenURL, cc, http.Header{"Dpop": {p}, "Authorization": basic(M2MClientID, M2MClientSecret)["Authorization"]}); resp.StatusCode != 200 {
			t.Fatalf("got %d %v", resp.StatusCode, m)
		}
	})
	t.Run("client registered with dpop_bound_access_tokens needs a proof", func(t *testing.T) {
		cb := newCallback(t, "127.0.0.1")
		a := newAuthRequest(DPoPClientID, cb.uri)
		browse(t, a.url(s.Issuer()))
		q := cb.wait(t)
		resp, m := send(t, "POST", tokenURL, codeForm(a, q.Get("code")), nil)
		if resp.StatusCode != 400 || m["error"] != "invalid_dpop_proof" {
			t.Fatalf("got %d %v", resp.StatusCode, m)
		}
	})
	t.Run("dpop_jkt binds the code to the key", func(t *testing.T) {
		cb := newCallback(t, "127.0.0.1")
		a := newAuthRequest(NativeClientID, cb.uri)
		a.extra = url.Values{"dpop_jkt": {k.jkt}}
		browse(t, a.url(s.Issuer()))
		q := cb.wait(t)
		other := newDPoPKey(t)
		resp, m := send(t, "POST", tokenURL, codeForm(a, q.Get("code")), http.Header{"Dpop": {other.proof(t, "POST", tokenURL, "", "")}})
		if resp.StatusCode != 400 || !strings.Contains(m["error_description"].(string), "dpop_jkt") {
			t.Fatalf("got %d %v", resp.StatusCode, m)
		}
	})
}

func TestDPoPNonces(t *testing.T) {
	s := startServer(t, Options{DPoPNonce: true})
	k := newDPoPKey(t)
	tokenURL := s.Issuer() + "/token"
	cc := url.Values{"grant_type": {"client_credentials"}, "scope": {"api.read"}}
	auth := basic(M2MClientID, M2MClientSecret)["Authorization"]
	resp, m := send(t, "POST", tokenURL, cc, http.Header{"Dpop": {k.proof(t, "POST", tokenURL, "", "")}, "Authorization": auth})
	nonce := resp.Header.Get("DPoP-Nonce")
	if resp.StatusCode != 400 || m["error"] != "use_dpop_nonce" || nonce == "" {
		t.Fatalf("without nonce: %d %v nonce %q", resp.StatusCode, m, nonce)
	}
	resp, m = send(t, "POST", tokenURL, cc, http.Header{"Dpop": {k.proof(t, "POST", tokenURL, "", nonce)}, "Authorization": auth})
	if resp.StatusCode != 200 || m["token_type"] != "DPoP" {
		t.Fatalf("with nonce: %d %v", resp.StatusCode, m)
	}
	at := m["access_token"].(string)
	// The userinfo endpoint is a resource server with its own nonce (section 9);
	// an M2M token has no openid scope, so a passed proof check ends in 403.
	ui := s.Issuer() + "/userinfo"
	resp, _ = send(t, "GET", ui, nil, http.Header{"Authorization": {"DPoP " + at}, "Dpop": {k.proof(t, "GET", ui, at, nonce)}})
	rsNonce := resp.Header.Get("DPoP-Nonce")
	if resp.StatusCode != 401 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="use_dpop_nonce"`) || rsNonce == "" || rsNonce == nonce {
		t.Fatalf("resource without its nonce: %d %q nonce %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), rsNonce)
	}
	resp, _ = send(t, "GET", ui, nil, http.Header{"Authorization": {"DPoP " + at}, "Dpop": {k.proof(t, "GET", ui, at, rsNonce)}})
	if resp.StatusCode != 403 {
		t.Fatalf("resource with its nonce: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}

func TestDPoPWithPAR(t *testing.T) {
	s := startServer(t, Options{RequirePAR: true})
	k := newDPoPKey(t)
	cb := newCallback(t, "127.0.0.1")
	a := newAuthRequest(DPoPClientID, cb.uri)
	resp, par := send(t, "POST", s.Issuer()+"/par", a.pushForm(), http.Header{"Dpop": {k.proof(t, "POST", s.Issuer()+"/par", "", "")}})
	if resp.StatusCode != 201 {
		t.Fatalf("PAR with DPoP: %d %v", resp.StatusCode, par)
	}
	browse(t, s.Issuer()+"/authorize?"+url.Values{"client_id": {DPoPClientID}, "request_uri": {par["request_uri"].(string)}}.Encode())
	q := cb.wait(t)
	other := newDPoPKey(t)
	r, m := send(t, "POST", s.Issuer()+"/token", codeForm(a, q.Get("code")), http.Header{"Dpop": {other.proof(t, "POST", s.Issuer()+"/token", "", "")}})
	if r.StatusCode != 400 {
		t.Fatalf("code pushed with one key redeemed with another: %d %v", r.StatusCode, m)
	}
}

func TestLogout(t *testing.T) {
	s := startServer(t, Options{})
	_, tk := codeFlow(t, s, "alice")
	_, meta := getJSON(t, s.Issuer()+"/.well-known/openid-configuration", "")
	if meta["end_session_endpoint"] != s.Issuer()+"/logout" {
		t.Fatalf("end_session_endpoint = %v", meta["end_session_endpoint"])
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(q url.Values) *http.Response {
		resp, err := noRedirect.Get(s.Issuer() + "/logout?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	back := "http://127.0.0.1:4567" + PostLogoutRedirectPath
	resp := get(url.Values{"id_token_hint": {tk.IDToken}, "post_logout_redirect_uri": {back}, "state": {"st-1"}})
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || loc.Host != "127.0.0.1:4567" || loc.Query().Get("state") != "st-1" {
		t.Fatalf("logout: %d %s", resp.StatusCode, loc)
	}
	for name, q := range map[string]url.Values{
		"unregistered redirect":   {"id_token_hint": {tk.IDToken}, "post_logout_redirect_uri": {"https://evil.example/x"}},
		"redirect without client": {"post_logout_redirect_uri": {back}},
		"forged hint":             {"id_token_hint": {tk.IDToken[:len(tk.IDToken)-4] + "AAAA"}},
		"hint for another client": {"id_token_hint": {tk.IDToken}, "client_id": {WebClientID}},
	} {
		if r := get(q); r.StatusCode != 400 {
			t.Errorf("%s: %d, want 400", name, r.StatusCode)
		}
	}
}

// TestLogoutEndsSession signs in with a cookie jar, logs out with it, and
// then prompt=none must fail with login_required.
func TestLogoutEndsSession(t *testing.T) {
	s := startServer(t, Options{})
	jar, _ := cookieJar()
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	cb := newCallback(t, "127.0.0.1")
	a := newAuthRequest(NativeClientID, cb.uri)
	b := newLoginBrowser(mustParse(a.url(s.Issuer())), "alice", "secret", "allow", false)
	b.c.Jar = jar
	if err := b.run(context.Background(), mustParse(a.url(s.Issuer()))); err != nil {
		t.Fatal(err)
	}
	cb.wait(t)
	resp, err := c.Get(s.Issuer() + "/logout")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("logout: %v %v", err, resp)
	}
	resp.Body.Close()
	a2 := newAuthRequest(NativeClientID, cb.uri)
	a2.extra = url.Values{"prompt": {"none"}}
	resp, err = c.Get(a2.url(s.Issuer()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc, _ := url.Parse(resp.Header.Get("Location")); loc == nil || loc.Query().Get("error") != "login_required" {
		t.Fatalf("after logout, prompt=none: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func mustParse(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestTokenExchange(t *testing.T) {
	s := startServer(t, Options{})
	_, user := codeFlow(t, s, "alice")
	m2m := tokenRequest(t, s, url.Values{"grant_type": {"client_credentials"}, "scope": {"api.read"}}, M2MClientID, M2MClientSecret)
	exchange := func(form url.Values) (int, map[string]any) {
		form.Set("grant_type", TokenExchangeGrantType)
		resp, m := send(t, "POST", s.Issuer()+"/token", form, basic(WebClientID, WebClientSecret))
		return resp.StatusCode, m
	}
	status, m := exchange(url.Values{"subject_token": {user.AccessToken}, "subject_token_type": {TokenTypeAccessToken},
		"actor_token": {m2m.AccessToken}, "actor_token_type": {TokenTypeAccessToken}, "audience": {ReportsAudience}, "scope": {"api.read"}})
	if status != 200 || m["issued_token_type"] != TokenTypeAccessToken {
		t.Fatalf("exchange: %d %v", status, m)
	}
	_, at := verifyJWT(t, fetchJWKS(t, s), m["access_token"].(string))
	act, _ := at["act"].(map[string]any)
	if at["sub"] != "u-1001" || !slices.Equal(toStrings(at["aud"]), []string{ReportsAudience}) || at["scope"] != "api.read" || act["sub"] != M2MClientID || at["client_id"] != WebClientID {
		t.Fatalf("exchanged token claims: %v", at)
	}
	for name, c := range map[string]struct {
		form url.Values
		want string
	}{
		"wider scope":        {url.Values{"subject_token": {user.AccessToken}, "subject_token_type": {TokenTypeAccessToken}, "scope": {"api.write"}}, "invalid_scope"},
		"unknown audience":   {url.Values{"subject_token": {user.AccessToken}, "subject_token_type": {TokenTypeAccessToken}, "audience": {"https://other.example"}}, "invalid_target"},
		"garbage subject":    {url.Values{"subject_token": {"nope"}, "subject_token_type": {TokenTypeAccessToken}}, "invalid_request"},
		"no subject type":    {url.Values{"subject_token": {user.AccessToken}}, "invalid_request"},
		"ID token as access": {url.Values{"subject_token": {user.IDToken}, "subject_token_type": {TokenTypeAccessToken}}, "invalid_request"},
	} {
		if status, m := exchange(c.form); status != 400 || m["error"] != c.want {
			t.Errorf("%s: %d %v, want %s", name, status, m, c.want)
		}
	}
	if status, m := exchange(url.Values{"subject_token": {user.IDToken}, "subject_token_type": {TokenTypeIDToken}, "scope": {"openid"}}); status != 200 {
		t.Errorf("ID token subject: %d %v", status, m)
	}
	resp, m := send(t, "POST", s.Issuer()+"/token", url.Values{"grant_type": {TokenExchangeGrantType}, "subject_token": {user.AccessToken},
		"subject_token_type": {TokenTypeAccessToken}}, basic(M2MClientID, M2MClientSecret))
	if resp.StatusCode != 400 || m["error"] != "unauthorized_client" {
		t.Errorf("client without the grant: %d %v", resp.StatusCode, m)
	}
}

func TestExternalClientAssertion(t *testing.T) {
	s := startServer(t, Options{})
	tokenURL := s.Issuer() + "/token"
	mint := func(sub, aud string) string {
		resp, m := send(t, "POST", s.Issuer()+"/external/token", url.Values{"sub": {sub}, "aud": {aud}}, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("mint: %d %v", resp.StatusCode, m)
		}
		return m["token"].(string)
	}
	cc := func(assertion string) (int, map[string]any) {
		resp, m := send(t, "POST", tokenURL, url.Values{"grant_type": {"client_credentials"}, "scope": {"api.read"}, "client_id": {WorkloadClientID},
			"client_assertion_type": {clientAssertionType}, "client_assertion": {assertion}}, nil)
		return resp.StatusCode, m
	}
	good := mint(WorkloadSubject, tokenURL)
	if status, m := cc(good); status != 200 {
		t.Fatalf("federated client credentials: %d %v", status, m)
	}
	for name, c := range map[string]struct{ assertion, want string }{
		"replayed":    {good, "already used"},
		"other sub":   {mint("repo:evil/app:ref:refs/heads/main", tokenURL), "federated credential"},
		"other aud":   {mint(WorkloadSubject, "https://login.example/token"), "aud"},
		"not a JWT":   {"abc", "not a JWS"},
		"self-signed": {selfSigned(t, s.ExternalIssuer(), WorkloadSubject, tokenURL), "signature"},
	} {
		status, m := cc(c.assertion)
		desc, _ := m["error_description"].(string)
		if status != 401 || m["error"] != "invalid_client" || !strings.Contains(desc, c.want) {
			t.Errorf("%s: %d %v, want invalid_client mentioning %q", name, status, m, c.want)
		}
	}
	_, disc := getJSON(t, s.Issuer()+"/external/.well-known/openid-configuration", "")
	if disc["issuer"] != s.ExternalIssuer() {
		t.Errorf("external discovery: %v", disc)
	}
}

// selfSigned is an assertion claiming to come from iss but signed with a fresh key.
func selfSigned(t *testing.T, iss, sub, aud string) string {
	k, err := newRSAKey()
	if err != nil {
		t.Fatal(err)
	}
	sg, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: k.priv}, nil)
	now := time.Now().Unix()
	payload, _ := json.Marshal(map[string]any{"iss": iss, "sub": sub, "aud": aud, "iat": now, "exp": now + 60, "jti": randString()})
	obj, _ := sg.Sign(payload)
	raw, _ := obj.CompactSerialize()
	return raw
}

func TestJWTBearerGrant(t *testing.T) {
	s := startServer(t, Options{})
	tokenURL := s.Issuer() + "/token"
	assertion, err := s.ExternalAssertion("u-1001", tokenURL)
	if err != nil {
		t.Fatal(err)
	}
	grant := url.Values{"grant_type": {JWTBearerGrantType}, "assertion": {assertion}, "scope": {"openid api.read"}}
	tk := tokenRequest(t, s, grant, WebClientID, WebClientSecret)
	if tk.status != 200 {
		t.Fatalf("JWT bearer grant: %+v", tk)
	}
	_, at := verifyJWT(t, fetchJWKS(t, s), tk.AccessToken)
	if at["sub"] != "u-1001" || !slices.Equal(toStrings(at["aud"]), []string{APIAudience}) || at["client_id"] != WebClientID {
		t.Fatalf("claims %v", at)
	}
	if again := tokenRequest(t, s, grant, WebClientID, WebClientSecret); again.status != 400 || again.Error != "invalid_grant" {
		t.Errorf("replayed assertion: %+v", again)
	}
	unknown, _ := s.ExternalAssertion("u-9999", tokenURL)
	if tk := tokenRequest(t, s, url.Values{"grant_type": {JWTBearerGrantType}, "assertion": {unknown}}, WebClientID, WebClientSecret); tk.status != 400 || tk.Error != "invalid_grant" {
		t.Errorf("unknown subject: %+v", tk)
	}
	// The private_key_jwt client may be the issuer itself.
	now := time.Now().Unix()
	sg, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: s.clientKey, KeyID: s.ClientKeyID()}}, nil)
	payload, _ := json.Marshal(map[string]any{"iss": JWTClientID, "sub": "u-1002", "aud": tokenURL, "iat": now, "exp": now + 60, "jti": randString()})
	obj, _ := sg.Sign(payload)
	own, _ := obj.CompactSerialize()
	if tk := tokenRequest(t, s, url.Values{"grant_type": {JWTBearerGrantType}, "assertion": {own}}, WebClientID, WebClientSecret); tk.status != 200 {
		t.Errorf("client-issued assertion: %+v", tk)
	}
}

func TestExactRedirectClient(t *testing.T) {
	cb := newCallback(t, "127.0.0.1")
	s := startServer(t, Options{ExactRedirectURI: cb.uri})
	wrong := newAuthRequest(ExactClientID, "http://127.0.0.1:1/callback")
	resp, err := http.Get(wrong.url(s.Issuer()))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(body), "redirect_uri") || !strings.Contains(string(body), "invalid_request") {
		t.Fatalf("other port: %d %s", resp.StatusCode, body)
	}
	r, m := send(t, "POST", s.Issuer()+"/par", wrong.pushForm(), nil)
	if r.StatusCode != 400 || !strings.Contains(m["error_description"].(string), "redirect_uri") {
		t.Fatalf("PAR with another port: %d %v", r.StatusCode, m)
	}
	a := newAuthRequest(ExactClientID, cb.uri)
	browse(t, a.url(s.Issuer()))
	if q := cb.wait(t); q.Get("code") == "" {
		t.Fatalf("exact redirect: %v", q)
	}
}
