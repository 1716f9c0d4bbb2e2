package demoidp

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestStartRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "example.com:0", "[::]:0", "nonsense"} {
		s, err := Start(Options{Addr: addr})
		if err == nil {
			s.Close()
			t.Errorf("Start(%q) succeeded, want refusal", addr)
		}
	}
}

func TestStartLocalhostAndIPv6(t *testing.T) {
	for _, c := range []struct{ addr, prefix string }{{"localhost:0", "http://"}, {"[::1]:0", "http://[::1]:"}, {"127.0.0.1:0", "http://127.0.0.1:"}} {
		s, err := Start(Options{Addr: c.addr})
		if err != nil {
			if strings.Contains(c.addr, "::1") {
				t.Logf("no IPv6 loopback here: %v", err)
				continue
			}
			t.Fatalf("Start(%q): %v", c.addr, err)
		}
		if !strings.HasPrefix(s.Issuer(), c.prefix) || strings.Contains(s.Issuer(), "localhost") {
			t.Errorf("Start(%q).Issuer() = %q", c.addr, s.Issuer())
		}
		s.Close()
	}
}

func TestDiscovery(t *testing.T) {
	s := startServer(t, Options{})
	if !strings.HasPrefix(s.Issuer(), "http://127.0.0.1:") {
		t.Fatalf("Issuer() = %q", s.Issuer())
	}
	for _, path := range []string{"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"} {
		status, m := getJSON(t, s.Issuer()+path, "")
		if status != http.StatusOK {
			t.Fatalf("%s: status %d", path, status)
		}
		want := map[string]string{
			"issuer": s.Issuer(), "authorization_endpoint": s.Issuer() + "/authorize", "token_endpoint": s.Issuer() + "/token",
			"jwks_uri": s.Issuer() + "/jwks", "userinfo_endpoint": s.Issuer() + "/userinfo",
			"introspection_endpoint": s.Issuer() + "/introspect", "revocation_endpoint": s.Issuer() + "/revoke",
		}
		for k, v := range want {
			if m[k] != v {
				t.Errorf("%s: %s = %v, want %s", path, k, m[k], v)
			}
		}
		if got := m["code_challenge_methods_supported"]; !slices.Equal(toStrings(got), []string{"S256"}) {
			t.Errorf("code_challenge_methods_supported = %v", got)
		}
	}
	set := fetchJWKS(t, s)
	if len(set.Keys) != 1 || set.Keys[0].KeyID != s.SigningKeyID() || set.Keys[0].IsPublic() != true {
		t.Fatalf("JWKS = %+v, want one public key with kid %s", set.Keys, s.SigningKeyID())
	}
}

func TestHomePage(t *testing.T) {
	s := startServer(t, Options{})
	resp, err := http.Get(s.Issuer() + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{s.Issuer(), WebClientSecret, JWTClientID, "alice", "Alice Anderson"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	if resp, err := http.Get(s.Issuer() + "/nothing-here"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: %v %v", resp.StatusCode, err)
	}
}

func toStrings(v any) []string {
	var out []string
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			s, _ := e.(string)
			out = append(out, s)
		}
	case string:
		out = []string{x}
	}
	return out
}

func atHash(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

func TestCodeFlowPKCETokensVerify(t *testing.T) {
	s := startServer(t, Options{})
	a, tk := codeFlow(t, s, "alice")
	if tk.TokenType != "bearer" && tk.TokenType != "Bearer" {
		t.Errorf("token_type = %q", tk.TokenType)
	}
	if tk.RefreshToken == "" || tk.IDToken == "" || tk.AccessToken == "" {
		t.Fatalf("missing tokens: %+v", tk)
	}
	set := fetchJWKS(t, s)

	h, id := verifyJWT(t, set, tk.IDToken)
	if h.KeyID != s.SigningKeyID() {
		t.Errorf("ID token kid = %q, want %q", h.KeyID, s.SigningKeyID())
	}
	now := float64(time.Now().Unix())
	checks := map[string]bool{
		"iss":       id["iss"] == s.Issuer(),
		"sub":       id["sub"] == "u-1001",
		"aud":       slices.Equal(toStrings(id["aud"]), []string{NativeClientID}),
		"azp":       id["azp"] == NativeClientID,
		"nonce":     id["nonce"] == a.nonce,
		"at_hash":   id["at_hash"] == atHash(tk.AccessToken),
		"auth_time": id["auth_time"] != nil && id["auth_time"].(float64) <= now+1,
		"exp":       id["exp"].(float64) > now,
		"iat":       id["iat"].(float64) <= now+1,
		"name":      id["name"] == "Alice Anderson",
		"email":     id["email"] == "alice@example.com" && id["email_verified"] == true,
		"groups":    slices.Equal(toStrings(id["groups"]), []string{"admins", "developers"}),
		"no rat":    id["rat"] == nil,
	}
	for name, ok := range checks {
		if !ok {
			t.Errorf("ID token %s check failed; claims %v", name, id)
		}
	}

	h, at := verifyJWT(t, set, tk.AccessToken)
	if typ, _ := h.ExtraHeaders["typ"].(string); typ != "at+jwt" {
		t.Errorf("access token typ = %q, want at+jwt", typ)
	}
	checks = map[string]bool{
		"iss":       at["iss"] == s.Issuer(),
		"sub":       at["sub"] == "u-1001",
		"aud":       slices.Equal(toStrings(at["aud"]), []string{APIAudience}),
		"client_id": at["client_id"] == NativeClientID,
		"scope":     at["scope"] == a.scope,
		"jti":       at["jti"] != nil && at["jti"] != "",
		"iat":       at["iat"] != nil,
		"exp":       at["exp"] != nil && at["exp"].(float64) > now,
		"no scp":    at["scp"] == nil,
	}
	for name, ok := range checks {
		if !ok {
			t.Errorf("access token %s check failed; claims %v", name, at)
		}
	}
	if tk.ExpiresIn < 500 || tk.ExpiresIn > int(DefaultAccessTokenLifetime/time.Second) {
		t.Errorf("expires_in = %d", tk.ExpiresIn)
	}
}

func TestIPv6LoopbackRedirect(t *testing.T) {
	s := startServer(t, Options{})
	cb := newCallback(t, "::1")
	a := newAuthRequest(NativeClientID, cb.uri)
	q := login(t, s, a, cb, "bob")
	if q.Get("code") == "" {
		t.Fatalf("callback = %v", q)
	}
}

func TestAuthorizeErrors(t *testing.T) {
	s := startServer(t, Options{})
	noRedirects := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) *http.Response {
		resp, err := noRedirects.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	t.Run("native client without PKCE", func(t *testing.T) {
		a := newAuthRequest(NativeClientID, "http://127.0.0.1:5555/callback")
		a.pkce = pkce{}
		resp := get(a.url(s.Issuer()))
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound || loc.Query().Get("error") != "invalid_request" {
			t.Fatalf("got %d %s, want redirect with error=invalid_request", resp.StatusCode, loc)
		}
	})
	t.Run("localhost redirect refused", func(t *testing.T) {
		a := newAuthRequest(NativeClientID, "http://localhost:5555/callback")
		if resp := get(a.url(s.Issuer())); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", resp.StatusCode)
		}
	})
	t.Run("wrong path refused", func(t *testing.T) {
		a := newAuthRequest(NativeClientID, "http://127.0.0.1:5555/other")
		if resp := get(a.url(s.Issuer())); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", resp.StatusCode)
		}
	})
	t.Run("prompt=none without session", func(t *testing.T) {
		a := newAuthRequest(NativeClientID, "http://127.0.0.1:5555/callback")
		a.extra = url.Values{"prompt": {"none"}}
		resp := get(a.url(s.Issuer()))
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if loc == nil || loc.Query().Get("error") != "login_required" {
			t.Fatalf("got %d %s, want error=login_required", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		a := newAuthRequest(NativeClientID, "http://127.0.0.1:5555/callback")
		err := LoginBrowser(t.Context(), a.url(s.Issuer()), "alice", "wrong")
		if err == nil || !strings.Contains(err.Error(), "Wrong username or password") {
			t.Fatalf("LoginBrowser error = %v", err)
		}
	})
}

func TestWrongVerifierRejected(t *testing.T) {
	s := startServer(t, Options{})
	cb := newCallback(t, "127.0.0.1")
	a := newAuthRequest(NativeClientID, cb.uri)
	q := login(t, s, a, cb, "alice")
	tk := tokenRequest(t, s, url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")},
		"redirect_uri": {a.redirectURI}, "client_id": {NativeClientID}, "code_verifier": {newPKCE().verifier}}, "", "")
	if tk.status != http.StatusBadRequest || tk.Error != "invalid_grant" {
		t.Fatalf("got %d %q, want 400 invalid_grant", tk.status, tk.Error)
	}
}

func TestRefreshRotates(t *testing.T) {
	s := startServer(t, Options{})
	_, first := codeFlow(t, s, "alice")
	refresh := func(rt string) tokens {
		return tokenRequest(t, s, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {NativeClientID}}, "", "")
	}
	second := refresh(first.RefreshToken)
	if second.status != http.StatusOK {
		t.Fatalf("refresh: %d %s %s", second.status, second.Error, second.Description)
	}
	if second.RefreshToken == "" || second.RefreshToken == first.RefreshToken {
		t.Fatal("refresh token was not rotated")
	}
	set := fetchJWKS(t, s)
	_, id1 := verifyJWT(t, set, first.IDToken)
	_, id2 := verifyJWT(t, set, second.IDToken)
	for _, c := range []string{"iss", "sub", "azp", "auth_time"} {
		if id1[c] != id2[c] {
			t.Errorf("refreshed ID token %s = %v, original %v", c, id2[c], id1[c])
		}
	}
	if id2["at_hash"] != atHash(second.AccessToken) {
		t.Error("refreshed ID token at_hash does not match the new access token")
	}
	_, at := verifyJWT(t, set, second.AccessToken)
	if at["client_id"] != NativeClientID || !slices.Equal(toStrings(at["aud"]), []string{APIAudience}) {
		t.Errorf("refreshed access token claims %v", at)
	}
	// Reusing the rotated-out refresh token fails (and revokes the family).
	if again := refresh(first.RefreshToken); again.status == http.StatusOK {
		t.Fatal("old refresh token was accepted again")
	}
	if m := introspect(t, s, second.RefreshToken); m["active"] != false {
		t.Errorf("after refresh token reuse, the newest refresh token is still active: %v", m)
	}
}

func introspect(t *testing.T, s *Server, tok string) map[string]any {
	t.Helper()
	status, body := post(t, s.Issuer()+"/introspect", url.Values{"token": {tok}}, WebClientID, WebClientSecret)
	if status != http.StatusOK {
		t.Fatalf("introspect: %d %s", status, body)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestIntrospectionAndRevocation(t *testing.T) {
	s := startServer(t, Options{})
	_, tk := codeFlow(t, s, "alice")
	m := introspect(t, s, tk.AccessToken)
	if m["active"] != true || m["sub"] != "u-1001" || m["client_id"] != NativeClientID || m["iss"] != s.Issuer() ||
		m["token_type"] != "Bearer" || m["exp"] == nil || m["scope"] == nil {
		t.Fatalf("introspection of a fresh access token = %v", m)
	}
	if m := introspect(t, s, tk.RefreshToken); m["active"] != true {
		t.Fatalf("introspection of the refresh token = %v", m)
	}
	if m := introspect(t, s, "not-a-token"); m["active"] != false || len(m) != 1 {
		t.Fatalf("introspection of garbage = %v", m)
	}
	// A public client may not introspect.
	status, _ := post(t, s.Issuer()+"/introspect", url.Values{"token": {tk.AccessToken}, "client_id": {NativeClientID}}, "", "")
	if status != http.StatusUnauthorized {
		t.Fatalf("public client introspection: status %d, want 401", status)
	}
	// The public client revokes its own access token (RFC 7009).
	status, body := post(t, s.Issuer()+"/revoke", url.Values{"token": {tk.AccessToken}, "client_id": {NativeClientID}}, "", "")
	if status != http.StatusOK {
		t.Fatalf("revoke: %d %s", status, body)
	}
	if m := introspect(t, s, tk.AccessToken); m["active"] != false {
		t.Fatalf("introspection after revocation = %v", m)
	}
	if m := introspect(t, s, tk.RefreshToken); m["active"] != false {
		t.Errorf("refresh token still active after its access token was revoked: %v", m)
	}
	if status, _ := getJSON(t, s.Issuer()+"/userinfo", tk.AccessToken); status != http.StatusUnauthorized {
		t.Fatalf("userinfo with a revoked token: status %d", status)
	}
}

func TestUserInfo(t *testing.T) {
	s := startServer(t, Options{})
	_, tk := codeFlow(t, s, "bob")
	status, m := getJSON(t, s.Issuer()+"/userinfo", tk.AccessToken)
	if status != http.StatusOK {
		t.Fatalf("userinfo: %d %v", status, m)
	}
	want := map[string]any{"sub": "u-1002", "name": "Bob Brown", "email": "bob@example.org", "email_verified": false,
		"preferred_username": "bob"}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("userinfo %s = %v, want %v", k, m[k], v)
		}
	}
	if !slices.Equal(toStrings(m["groups"]), []string{"students"}) {
		t.Errorf("groups = %v", m["groups"])
	}
	if status, _ := getJSON(t, s.Issuer()+"/userinfo", ""); status != http.StatusUnauthorized {
		t.Errorf("userinfo without token: %d", status)
	}
}

func TestClientCredentials(t *testing.T) {
	s := startServer(t, Options{})
	tk := tokenRequest(t, s, url.Values{"grant_type": {"client_credentials"}, "scope": {"api.read api.write"}}, M2MClientID, M2MClientSecret)
	if tk.status != http.StatusOK {
		t.Fatalf("client credentials: %d %s %s", tk.status, tk.Error, tk.Description)
	}
	if tk.RefreshToken != "" || tk.IDToken != "" {
		t.Error("client credentials returned a refresh or ID token")
	}
	h, at := verifyJWT(t, fetchJWKS(t, s), tk.AccessToken)
	if typ := h.ExtraHeaders["typ"]; typ != "at+jwt" {
		t.Errorf("typ = %v", typ)
	}
	if at["sub"] != M2MClientID || at["client_id"] != M2MClientID || at["scope"] != "api.read api.write" ||
		!slices.Equal(toStrings(at["aud"]), []string{APIAudience}) {
		t.Errorf("claims = %v", at)
	}
	if status, _ := getJSON(t, s.Issuer()+"/userinfo", tk.AccessToken); status != http.StatusForbidden {
		t.Errorf("userinfo with a machine token: %d, want 403", status)
	}
	if m := introspect(t, s, tk.AccessToken); m["active"] != true || m["sub"] != M2MClientID {
		t.Errorf("introspection = %v", m)
	}
	bad := tokenRequest(t, s, url.Values{"grant_type": {"client_credentials"}}, M2MClientID, "wrong")
	if bad.status != http.StatusUnauthorized || bad.Error != "invalid_client" {
		t.Errorf("wrong secret: %d %s", bad.status, bad.Error)
	}
	public := tokenRequest(t, s, url.Values{"grant_type": {"client_credentials"}, "client_id": {NativeClientID}}, "", "")
	if public.status == http.StatusOK {
		t.Error("public client got a client credentials token")
	}
}

func TestShortLifetimes(t *testing.T) {
	s := startServer(t, Options{ShortLifetimes: true})
	_, tk := codeFlow(t, s, "alice")
	if tk.ExpiresIn > 30 || tk.ExpiresIn < 25 {
		t.Fatalf("expires_in = %d, want about 30", tk.ExpiresIn)
	}
	_, id := verifyJWT(t, fetchJWKS(t, s), tk.IDToken)
	if life := id["exp"].(float64) - id["iat"].(float64); life > 31 {
		t.Errorf("ID token lifetime %v s", life)
	}
	s.SetShortLifetimes(false)
	if got := s.Lifetimes(); got.AccessToken != DefaultAccessTokenLifetime {
		t.Errorf("Lifetimes() = %+v after SetShortLifetimes(false)", got)
	}
	cc := tokenRequest(t, s, url.Values{"grant_type": {"client_credentials"}}, M2MClientID, M2MClientSecret)
	if cc.ExpiresIn < 500 {
		t.Errorf("expires_in = %d after switching short lifetimes off", cc.ExpiresIn)
	}
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	client := &http.Client{Transport: &http.Transport{}}
	http.DefaultClient.CloseIdleConnections()
	time.Sleep(50 * time.Millisecond)
	before := runtime.NumGoroutine()
	s, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/.well-known/openid-configuration", "/jwks", "/"} {
		resp, err := client.Get(s.Issuer() + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	client.CloseIdleConnections()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines after Close, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
	if _, err := http.Get(s.Issuer() + "/jwks"); err == nil {
		t.Error("server still answers after Close")
	}
}
