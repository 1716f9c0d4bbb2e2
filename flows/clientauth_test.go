package flows

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/tokeninspector/tokeninspector/settings"
)

func TestClientAuthMethods(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	now := time.Unix(1_700_000_000, 0)
	const aud = "https://idp/token"

	tests := []struct {
		name  string
		cfg   Config
		check func(t *testing.T, h http.Header, form url.Values)
	}{
		{"none", Config{Settings: settings.Settings{ClientID: "pub"}}, func(t *testing.T, h http.Header, form url.Values) {
			if form.Get("client_id") != "pub" || h.Get("Authorization") != "" || form.Has("client_secret") {
				t.Errorf("none: header %v form %v", h, form)
			}
		}},
		{"basic encodes", Config{Settings: settings.Settings{ClientID: "a b"}, ClientSecret: "p:w&"}, func(t *testing.T, h http.Header, form url.Values) {
			// RFC 6749 §2.3.1: form-urlencoded before Basic.
			want := "Basic " + base64.StdEncoding.EncodeToString([]byte("a+b:p%3Aw%26"))
			if h.Get("Authorization") != want || len(form) != 0 {
				t.Errorf("basic: %q, form %v; want %q", h.Get("Authorization"), form, want)
			}
		}},
		{"post", Config{Settings: settings.Settings{ClientID: "c", AuthMethod: settings.AuthSecretPost}, ClientSecret: "s"}, func(t *testing.T, h http.Header, form url.Values) {
			if form.Get("client_secret") != "s" || form.Get("client_id") != "c" {
				t.Errorf("post form %v", form)
			}
		}},
		{"private_key_jwt", Config{Settings: settings.Settings{ClientID: "c", PrivateKeyID: "k1"}, PrivateKey: pemKey}, func(t *testing.T, h http.Header, form url.Values) {
			claims := verifyAssertion(t, form, &key.PublicKey, jose.ES256)
			if claims.Issuer != "c" || claims.Subject != "c" || !claims.Audience.Contains(aud) || claims.ID == "" {
				t.Errorf("claims = %+v", claims)
			}
			if claims.Expiry.Time().Sub(now) != assertionLifetime {
				t.Errorf("exp - iat = %v", claims.Expiry.Time().Sub(now))
			}
		}},
		{"client_secret_jwt", Config{Settings: settings.Settings{ClientID: "c", AuthMethod: settings.AuthSecretJWT}, ClientSecret: "0123456789abcdef0123456789abcdef"}, func(t *testing.T, h http.Header, form url.Values) {
			verifyAssertion(t, form, []byte("0123456789abcdef0123456789abcdef"), jose.HS256)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := newClientAuth(tt.cfg, func() time.Time { return now })
			if err != nil {
				t.Fatal(err)
			}
			h, form := http.Header{}, url.Values{}
			if err := a.apply(h, form, aud); err != nil {
				t.Fatal(err)
			}
			tt.check(t, h, form)
		})
	}
}

func verifyAssertion(t *testing.T, form url.Values, key any, alg jose.SignatureAlgorithm) jwt.Claims {
	t.Helper()
	if form.Get("client_assertion_type") != AssertionType {
		t.Fatalf("client_assertion_type = %q", form.Get("client_assertion_type"))
	}
	tok, err := jwt.ParseSigned(form.Get("client_assertion"), []jose.SignatureAlgorithm{alg})
	if err != nil {
		t.Fatal(err)
	}
	var c jwt.Claims
	if err := tok.Claims(key, &c); err != nil {
		t.Fatalf("assertion does not verify: %v", err)
	}
	return c
}

func TestClientAuthErrors(t *testing.T) {
	for _, cfg := range []Config{
		{Settings: settings.Settings{ClientID: "c", AuthMethod: settings.AuthSecretBasic}},
		{Settings: settings.Settings{ClientID: "c", AuthMethod: settings.AuthPrivateKeyJWT}},
		{Settings: settings.Settings{ClientID: "c", AuthMethod: settings.AuthPrivateKeyJWT}, PrivateKey: []byte("garbage")},
		{Settings: settings.Settings{ClientID: "c", AuthMethod: "magic"}},
	} {
		if _, err := newClientAuth(cfg, time.Now); err == nil {
			t.Errorf("newClientAuth(%+v) accepted", cfg)
		}
	}
}

// TestPrivateKeyJWTRefresh: the refresh grant of a private_key_jwt client
// carries a fresh assertion (x/oauth2's TokenSource cannot).
func TestPrivateKeyJWTRefresh(t *testing.T) {
	f := newFakeIdP(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	jwk, _ := jose.JSONWebKey{Key: key, KeyID: "jwk-kid", Algorithm: "ES256"}.MarshalJSON()
	c := newTestClient(t, f, Config{PrivateKey: jwk})
	if _, err := c.Refresh(context.Background(), "rt-1", nil); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	form := f.lastForm
	f.mu.Unlock()
	verifyAssertion(t, form, &key.PublicKey, jose.ES256)
	if !strings.Contains(form.Get("client_assertion"), ".") || form.Get("grant_type") != "refresh_token" {
		t.Errorf("form = %v", form)
	}
	for _, x := range c.Transcript() {
		if strings.Contains(x.RequestBody, form.Get("client_assertion")) {
			t.Error("transcript holds the client assertion")
		}
	}
}
