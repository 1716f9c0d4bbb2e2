package flows

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"
)

// fakeIdP is a small OIDC provider on httptest for unit tests: discovery,
// JWKS, authorize (redirects at once), token (code with PKCE, refresh,
// client_credentials, device), introspection, revocation, userinfo. Hooks
// override single endpoints.
type fakeIdP struct {
	t   testing.TB
	srv *httptest.Server

	mu        sync.Mutex // guards below
	keys      []*rsa.PrivateKey
	kids      []string
	codes     map[string]authReq // code -> request
	revoked   map[string]bool
	jwksHits  int
	devPolls  int
	devScript []string // error codes returned by successive device polls before success
	lastForm  url.Values
	lastAuth  string

	hooks map[string]http.HandlerFunc // path -> override
}

type authReq struct{ challenge, nonce, redirect string }

func newFakeIdP(t testing.TB) *fakeIdP {
	t.Helper()
	f := &fakeIdP{t: t, codes: map[string]authReq{}, revoked: map[string]bool{}, hooks: map[string]http.HandlerFunc{}}
	f.rotate()
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeIdP) issuer() string { return f.srv.URL }

// rotate adds a new signing key and makes it current.
func (f *fakeIdP) rotate() string {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		f.t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	kid := fmt.Sprintf("key-%d", len(f.keys)+1)
	f.keys, f.kids = append(f.keys, k), append(f.kids, kid)
	return kid
}

func (f *fakeIdP) hook(path string, h http.HandlerFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hooks[path] = h
}

func (f *fakeIdP) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	h := f.hooks[r.URL.Path]
	f.mu.Unlock()
	if h != nil {
		h(w, r)
		return
	}
	switch r.URL.Path {
	case "/.well-known/openid-configuration":
		writeJSONResp(w, 200, f.metadata())
	case "/jwks":
		f.serveJWKS(w)
	case "/authorize":
		f.authorize(w, r)
	case "/token":
		f.token(w, r)
	case "/introspect":
		r.ParseForm()
		f.mu.Lock()
		active := !f.revoked[r.PostForm.Get("token")]
		f.mu.Unlock()
		writeJSONResp(w, 200, map[string]any{"active": active, "client_id": "cli"})
	case "/revoke":
		r.ParseForm()
		f.mu.Lock()
		f.revoked[r.PostForm.Get("token")] = true
		f.mu.Unlock()
		w.WriteHeader(200)
	case "/userinfo":
		if r.Header.Get("Authorization") != "Bearer good-at" && !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ey") {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="The access token expired"`)
			w.WriteHeader(401)
			return
		}
		writeJSONResp(w, 200, map[string]any{"sub": "alice", "email": "alice@example.com"})
	case "/device":
		writeJSONResp(w, 200, map[string]any{"device_code": "dev-1", "user_code": "ABCD-EFGH",
			"verification_uri": f.issuer() + "/activate", "expires_in": 600, "interval": 1})
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeIdP) metadata() map[string]any {
	i := f.issuer()
	return map[string]any{
		"issuer": i, "authorization_endpoint": i + "/authorize", "token_endpoint": i + "/token",
		"jwks_uri": i + "/jwks", "introspection_endpoint": i + "/introspect", "revocation_endpoint": i + "/revoke",
		"userinfo_endpoint": i + "/userinfo", "device_authorization_endpoint": i + "/device",
		"code_challenge_methods_supported":      []string{"S256"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "private_key_jwt"},
	}
}

func (f *fakeIdP) serveJWKS(w http.ResponseWriter) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.jwksHits++
	set := jose.JSONWebKeySet{}
	for i, k := range f.keys {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: &k.PublicKey, KeyID: f.kids[i], Algorithm: "RS256", Use: "sig"})
	}
	b, _ := json.Marshal(set)
	// one unusable key: the cache must skip it and use the rest
	b = []byte(strings.Replace(string(b), `{"keys":[`, `{"keys":[{"kty":"XYZ","kid":"weird"},`, 1))
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

func (f *fakeIdP) jwksCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.jwksHits
}

func (f *fakeIdP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		f.t.Errorf("authorize without PKCE S256: %v", q)
	}
	code := "code-" + q.Get("state")[:8]
	f.mu.Lock()
	f.codes[code] = authReq{challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), redirect: q.Get("redirect_uri")}
	f.mu.Unlock()
	to, _ := url.Parse(q.Get("redirect_uri"))
	back := url.Values{"code": {code}, "state": {q.Get("state")}, "iss": {f.issuer()}}
	to.RawQuery = back.Encode()
	http.Redirect(w, r, to.String(), http.StatusFound)
}

func (f *fakeIdP) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	f.mu.Lock()
	f.lastForm, f.lastAuth = r.PostForm, r.Header.Get("Authorization")
	f.mu.Unlock()
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		f.mu.Lock()
		req, ok := f.codes[r.PostForm.Get("code")]
		delete(f.codes, r.PostForm.Get("code"))
		f.mu.Unlock()
		if !ok || oauth2.S256ChallengeFromVerifier(r.PostForm.Get("code_verifier")) != req.challenge || r.PostForm.Get("redirect_uri") != req.redirect {
			writeJSONResp(w, 400, map[string]any{"error": "invalid_grant", "error_description": "bad code, verifier or redirect_uri"})
			return
		}
		f.issue(w, req.nonce, true)
	case "refresh_token":
		if r.PostForm.Get("refresh_token") != "rt-1" {
			writeJSONResp(w, 400, map[string]any{"error": "invalid_grant"})
			return
		}
		f.issue(w, "", true)
	case "client_credentials":
		writeJSONResp(w, 200, map[string]any{"access_token": "opaque-cc", "token_type": "Bearer", "expires_in": "3600"})
	case DeviceGrantType:
		f.mu.Lock()
		n := f.devPolls
		f.devPolls++
		f.mu.Unlock()
		if n < len(f.devScript) {
			writeJSONResp(w, 400, map[string]any{"error": f.devScript[n]})
			return
		}
		f.issue(w, "", false)
	default:
		writeJSONResp(w, 400, map[string]any{"error": "unsupported_grant_type"})
	}
}

// issue answers a token response with a signed ID token.
func (f *fakeIdP) issue(w http.ResponseWriter, nonce string, withRefresh bool) {
	at := "good-at"
	claims := map[string]any{"iss": f.issuer(), "sub": "alice", "aud": "cli", "azp": "cli",
		"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix(), "at_hash": atHash(at)}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	resp := map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": 3600, "id_token": f.sign(claims), "scope": "openid", "x_extra": "kept"}
	if withRefresh {
		resp["refresh_token"] = "rt-1"
	}
	writeJSONResp(w, 200, resp)
}

func (f *fakeIdP) sign(claims map[string]any) string {
	f.mu.Lock()
	k, kid := f.keys[len(f.keys)-1], f.kids[len(f.kids)-1]
	f.mu.Unlock()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: k}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
	if err != nil {
		f.t.Fatal(err)
	}
	tok, err := jwt.Signed(s).Claims(claims).Serialize()
	if err != nil {
		f.t.Fatal(err)
	}
	return tok
}

func atHash(at string) string {
	// OIDC Core §3.1.3.6: left half of SHA-256, base64url.
	return leftHalfHash(at)
}

func writeJSONResp(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// redirectBrowser is a stand-in browser: it follows the authorization URL's
// redirect to the loopback listener.
func redirectBrowser(ctx context.Context, u string) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// callbackBrowser answers the loopback directly with params built from the
// authorization request (state, redirect_uri).
func callbackBrowser(build func(q url.Values) url.Values) func(ctx context.Context, u string) error {
	return func(ctx context.Context, u string) error {
		au, _ := url.Parse(u)
		q := au.Query()
		to, _ := url.Parse(q.Get("redirect_uri"))
		to.RawQuery = build(q).Encode()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, to.String(), nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	}
}

func newTestClient(t *testing.T, f *fakeIdP, cfg Config, opts ...Option) *Client {
	t.Helper()
	if cfg.Issuer == "" {
		cfg.Issuer = f.issuer()
	}
	if cfg.ClientID == "" {
		cfg.ClientID = "cli"
	}
	opts = append([]Option{WithJWKSCache(NewJWKSCache(nil))}, opts...)
	c, err := NewClient(cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func leftHalfHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}
