package demoidp

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// startServer starts a provider and closes it when the test ends.
func startServer(t *testing.T, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// callback is an app's loopback redirect listener.
type callback struct {
	uri string
	got chan url.Values
}

func newCallback(t *testing.T, host string) *callback {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Skipf("cannot listen on %s: %v", host, err)
	}
	cb := &callback{uri: "http://" + ln.Addr().String() + "/callback", got: make(chan url.Values, 1)}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" {
			http.NotFound(w, r)
			return
		}
		select {
		case cb.got <- r.URL.Query():
		default:
		}
		io.WriteString(w, "ok")
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return cb
}

func (cb *callback) wait(t *testing.T) url.Values {
	t.Helper()
	select {
	case q := <-cb.got:
		return q
	case <-time.After(10 * time.Second):
		t.Fatal("no callback received")
		return nil
	}
}

type pkce struct{ verifier, challenge string }

func newPKCE() pkce {
	b := make([]byte, 32)
	rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(v))
	return pkce{v, base64.RawURLEncoding.EncodeToString(sum[:])}
}

func randString() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// authRequest is one authorization request.
type authRequest struct {
	clientID    string
	redirectURI string
	scope       string
	state       string
	nonce       string
	pkce        pkce
	extra       url.Values
}

func newAuthRequest(clientID, redirectURI string) authRequest {
	return authRequest{clientID: clientID, redirectURI: redirectURI, scope: "openid profile email groups offline_access api.read",
		state: randString(), nonce: randString(), pkce: newPKCE()}
}

func (a authRequest) url(issuer string) string {
	q := url.Values{
		"response_type": {"code"}, "client_id": {a.clientID}, "redirect_uri": {a.redirectURI}, "scope": {a.scope},
		"state": {a.state}, "nonce": {a.nonce},
	}
	if a.pkce.challenge != "" {
		q.Set("code_challenge", a.pkce.challenge)
		q.Set("code_challenge_method", "S256")
	}
	for k, v := range a.extra {
		q[k] = v
	}
	return issuer + "/authorize?" + q.Encode()
}

// tokens is a token endpoint response.
type tokens struct {
	AccessToken  string `json:"access_token"`
	IDToken      string `json:"id_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	Scope        string `json:"scope"`
	Error        string `json:"error"`
	Description  string `json:"error_description"`
	status       int
}

// post sends a form; user/pass non-empty => HTTP Basic.
func post(t *testing.T, endpoint string, form url.Values, user, pass string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(pass))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", endpoint, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func tokenRequest(t *testing.T, s *Server, form url.Values, user, pass string) tokens {
	t.Helper()
	status, body := post(t, s.Issuer()+"/token", form, user, pass)
	var tk tokens
	if err := json.Unmarshal(body, &tk); err != nil {
		t.Fatalf("token response %d is not JSON: %s", status, body)
	}
	tk.status = status
	return tk
}

// login runs the authorization request through LoginBrowser and returns the callback query.
func login(t *testing.T, s *Server, a authRequest, cb *callback, user string) url.Values {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := LoginBrowser(ctx, a.url(s.Issuer()), user, "secret"); err != nil {
		t.Fatalf("LoginBrowser: %v", err)
	}
	return cb.wait(t)
}

// codeFlow logs in as user with the native client and redeems the code.
func codeFlow(t *testing.T, s *Server, user string) (authRequest, tokens) {
	t.Helper()
	cb := newCallback(t, "127.0.0.1")
	a := newAuthRequest(NativeClientID, cb.uri)
	q := login(t, s, a, cb, user)
	if q.Get("state") != a.state || q.Get("code") == "" {
		t.Fatalf("callback = %v, want code and state %q", q, a.state)
	}
	tk := tokenRequest(t, s, url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")},
		"redirect_uri": {a.redirectURI}, "client_id": {NativeClientID}, "code_verifier": {a.pkce.verifier}}, "", "")
	if tk.status != http.StatusOK {
		t.Fatalf("token exchange: %d %s: %s", tk.status, tk.Error, tk.Description)
	}
	return a, tk
}

func fetchJWKS(t *testing.T, s *Server) jose.JSONWebKeySet {
	t.Helper()
	resp, err := http.Get(s.Issuer() + "/jwks")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		t.Fatalf("JWKS: %v", err)
	}
	return set
}

// verifyJWT checks raw's RS256 signature against the JWKS key named by its kid
// and returns the header and claims.
func verifyJWT(t *testing.T, set jose.JSONWebKeySet, raw string) (jose.Header, map[string]any) {
	t.Helper()
	jws, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatalf("parse JWS: %v", err)
	}
	h := jws.Signatures[0].Header
	keys := set.Key(h.KeyID)
	if len(keys) != 1 {
		t.Fatalf("JWKS has %d keys with kid %q", len(keys), h.KeyID)
	}
	payload, err := jws.Verify(keys[0])
	if err != nil {
		t.Fatalf("signature does not verify: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return h, claims
}

// unverifiedClaims decodes the payload without checking the signature.
func unverifiedClaims(t *testing.T, raw string) (map[string]any, map[string]any) {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", raw)
	}
	var h, c map[string]any
	for i, dst := range []*map[string]any{&h, &c} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, dst); err != nil {
			t.Fatal(err)
		}
	}
	return h, c
}

func getJSON(t *testing.T, endpoint, bearer string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, endpoint, nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("GET %s: %d, not JSON: %s", endpoint, resp.StatusCode, body)
	}
	return resp.StatusCode, m
}

func cookieJar() (http.CookieJar, error) { return cookiejar.New(nil) }
