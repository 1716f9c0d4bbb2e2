package token

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"crypto/rand"
	jose "github.com/go-jose/go-jose/v4"
)

const idClaims = `{"iss":"https://idp.example.com","sub":"alice","aud":"demo-web","exp":1772370000,"iat":1772366400,"nonce":"n-0S6_WzA2Mj"}`

func TestVerifyEveryAlgorithm(t *testing.T) {
	k := getKeys(t)
	for _, alg := range []string{"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			tok := sign(t, alg, k.signingKey(alg), idClaims, map[string]any{"kid": "k1"})
			opts := Options{}
			if strings.HasPrefix(alg, "HS") {
				opts.Secret = k.hmac
			} else {
				opts.Keys = NewKeySet([]jose.JSONWebKey{k.publicJWK(alg, "k1")}, "test JWKS")
			}
			r := inspect(t, tok, opts)
			if r.Signature.Status != SigValid {
				t.Fatalf("status %s (%s): %s", r.Signature.Status, r.Signature.Code, r.Signature.Reason)
			}
			if r.Signature.Alg != alg || r.Signature.Kid != "k1" || r.Signature.Key == nil {
				t.Fatalf("signature %+v", r.Signature)
			}
			if !r.OK() {
				t.Errorf("OK() = false: %+v", r.Checks)
			}
		})
	}
}

func TestVerifyVerdicts(t *testing.T) {
	k := getKeys(t)
	rsaSet := NewKeySet([]jose.JSONWebKey{k.publicJWK("RS256", "other"), k.publicJWK("RS256", "k1")}, "test JWKS")
	good := sign(t, "RS256", k.rsa, idClaims, map[string]any{"kid": "k1"})
	noKid := sign(t, "RS256", k.rsa, idClaims, nil)
	byOther := sign(t, "RS256", k.rsa2, idClaims, map[string]any{"kid": "k1"})
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + unsignedPayload(`{"iss":"https://idp.example.com","sub":"mallory"}`) + "." + parts[2]
	pubPEM := pemPublic(t, k.rsa.Public())
	confusion := sign(t, "HS256", pubPEM, idClaims, nil) // the attack: HMAC keyed with the public key text
	pemSet, err := ParsePEM(pubPEM, "PEM file pub.pem")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		tok    string
		opts   Options
		status SigStatus
		code   string
		chosen string
		warn   string
	}{
		{"kid match", good, Options{Keys: rsaSet}, SigValid, "", "kid match", ""},
		{"only key, no kid", noKid, Options{Keys: NewKeySet([]jose.JSONWebKey{k.publicJWK("RS256", "")}, "one")}, SigValid, "", "the only RSA key", ""},
		{"no kid, several keys", noKid, Options{Keys: rsaSet}, SigValid, "", "token has no kid; tried each of 2 RSA keys", ""},
		{"unknown kid", sign(t, "RS256", k.rsa, idClaims, map[string]any{"kid": "rotated"}), Options{Keys: rsaSet}, SigUnverified, CodeUnknownKid, "", ""},
		{"bad signature: tampered", tampered, Options{Keys: rsaSet}, SigInvalid, CodeBadSignature, "", ""},
		{"bad signature: other key", byOther, Options{Keys: rsaSet}, SigInvalid, CodeBadSignature, "", ""},
		{"no key", good, Options{}, SigUnverified, CodeNoKey, "", ""},
		{"HS no secret", sign(t, "HS256", k.hmac, idClaims, nil), Options{}, SigUnverified, CodeNoKey, "", ""},
		{"wrong secret", sign(t, "HS256", k.hmac, idClaims, nil), Options{Secret: []byte("not the secret, but long enough!!")}, SigInvalid, CodeBadSignature, "", ""},
		{"no matching key type", good, Options{Keys: NewKeySet([]jose.JSONWebKey{k.publicJWK("ES256", "k1")}, "ec")}, SigUnverified, CodeNoMatchingKey, "", ""},
		{"EC curve mismatch", sign(t, "ES384", k.ec384, idClaims, nil), Options{Keys: NewKeySet([]jose.JSONWebKey{k.publicJWK("ES256", "")}, "ec")}, SigUnverified, CodeNoMatchingKey, "", ""},
		{"alg none", unsigned(`{"alg":"none"}`, idClaims, ""), Options{Keys: rsaSet}, SigInvalid, CodeAlgNone, "", "alg_none"},
		{"alg None mixed case", unsigned(`{"alg":"None"}`, idClaims, ""), Options{Secret: k.hmac}, SigInvalid, CodeAlgNone, "", "alg_none"},
		{"algorithm confusion", confusion, Options{Keys: pemSet}, SigInvalid, CodeAlgConfusion, "", "alg_confusion"},
		{"unsupported alg", unsigned(`{"alg":"HS1"}`, idClaims, "AAAA"), Options{Keys: rsaSet}, SigUnsupported, CodeUnsupported, "", ""},
		{"key source error", good, Options{Keys: failingSource{}}, SigUnverified, CodeKeySource, "", ""},
		{"PEM public key", good, Options{Keys: pemSet}, SigValid, "", "the only RSA key without a kid (token kid \"k1\")", ""},
		{"certificate", good, Options{Keys: mustPEM(t, selfSigned(t, k))}, SigValid, "", "the only RSA key without a kid (token kid \"k1\")", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := inspect(t, tt.tok, tt.opts)
			s := r.Signature
			if s.Status != tt.status || s.Code != tt.code {
				t.Fatalf("got %s/%s (%s), want %s/%s", s.Status, s.Code, s.Reason, tt.status, tt.code)
			}
			if s.Reason == "" {
				t.Error("empty reason")
			}
			if tt.chosen != "" && (s.Key == nil || s.Key.Chosen != tt.chosen) {
				t.Errorf("chosen = %+v, want %q", s.Key, tt.chosen)
			}
			if tt.warn != "" && !hasWarning(r, tt.warn) {
				t.Errorf("no %s warning in %+v", tt.warn, r.Warnings)
			}
			if tt.status != SigValid && r.OK() {
				t.Error("OK() true for a signature that is not valid")
			}
		})
	}
}

func TestUnknownKidMessageListsKids(t *testing.T) {
	k := getKeys(t)
	set := NewKeySet([]jose.JSONWebKey{k.publicJWK("RS256", "a"), k.publicJWK("RS256", "b")}, "JWKS file keys.json")
	r := inspect(t, sign(t, "RS256", k.rsa, idClaims, map[string]any{"kid": "c"}), Options{Keys: set})
	for _, want := range []string{`"c"`, `"a"`, `"b"`, "keys.json"} {
		if !strings.Contains(r.Signature.Reason, want) {
			t.Errorf("reason %q lacks %s", r.Signature.Reason, want)
		}
	}
}

func TestThumbprintRFC8037(t *testing.T) {
	r := inspect(t, rfc8037Token, Options{Keys: mustJWK(t, rfc8037Key)})
	if r.Signature.Key == nil || r.Signature.Key.Thumbprint != rfc8037Thumbprint {
		t.Fatalf("key %+v, want thumbprint %s", r.Signature.Key, rfc8037Thumbprint)
	}
	if r.Signature.Key.Kty != "OKP" {
		t.Errorf("kty %q", r.Signature.Key.Kty)
	}
}

func TestShortSecretStillDiagnosed(t *testing.T) {
	secret := []byte("secret")
	tok := unsignedHS256(t, `{"alg":"HS256","typ":"JWT"}`, idClaims, secret)
	r := inspect(t, tok, Options{Secret: secret})
	if r.Signature.Status != SigValid {
		t.Fatalf("status %s: %s", r.Signature.Status, r.Signature.Reason)
	}
	if !hasWarning(r, "short_secret") {
		t.Errorf("no short_secret warning: %+v", r.Warnings)
	}
	r = inspect(t, tok, Options{Secret: []byte("secreT")})
	if r.Signature.Status != SigInvalid {
		t.Errorf("wrong short secret: %s", r.Signature.Status)
	}
}

func TestKeysSkippedAreReported(t *testing.T) {
	k := getKeys(t)
	jwks := `{"keys":[{"kty":"RSA","kid":"broken","n":"AQAB"},{"kty":"EC","kid":"enc","use":"enc","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},` +
		mustMarshal(t, k.publicJWK("ES256", "good")) + `]}`
	set, err := ParseJWKS([]byte(jwks), "JWKS file k.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Keys()) != 1 || len(set.Skipped()) != 2 {
		t.Fatalf("keys %d skipped %v", len(set.Keys()), set.Skipped())
	}
	r := inspect(t, sign(t, "ES256", k.ec256, idClaims, map[string]any{"kid": "good"}), Options{Keys: set})
	if r.Signature.Status != SigValid || len(r.Signature.Skipped) != 2 {
		t.Fatalf("signature %+v", r.Signature)
	}
	if _, err := ParseJWKS([]byte(`{"keys":[{"kty":"RSA"}]}`), "x"); err == nil {
		t.Error("a JWKS with no usable key parsed")
	}
	if _, err := ParseJWKS([]byte(`not json`), "x"); err == nil {
		t.Error("garbage parsed as JWKS")
	}
	if _, err := ParsePEM([]byte("nothing here"), "x"); err == nil {
		t.Error("garbage parsed as PEM")
	}
}

func TestJoinKeySources(t *testing.T) {
	k := getKeys(t)
	a := NewKeySet([]jose.JSONWebKey{k.publicJWK("ES256", "a")}, "A")
	b := NewKeySet([]jose.JSONWebKey{k.publicJWK("RS256", "b")}, "B")
	src := JoinKeySources(nil, a, failingSource{}, b)
	r := inspect(t, sign(t, "RS256", k.rsa, idClaims, map[string]any{"kid": "b"}), Options{Keys: src})
	if r.Signature.Status != SigValid {
		t.Fatalf("%+v", r.Signature)
	}
	if JoinKeySources(nil, nil) != nil {
		t.Error("no sources should be nil")
	}
}

type failingSource struct{}

func (failingSource) Lookup(context.Context, string) (KeyLookup, error) {
	return KeyLookup{}, errors.New("JWKS endpoint returned 503")
}

func unsignedPayload(s string) string {
	return strings.Split(unsigned("{}", s, ""), ".")[1]
}

func unsignedHS256(t testing.TB, header, payload string, secret []byte) string {
	t.Helper()
	tok := unsigned(header, payload, "")
	mac := hmacSHA256(secret, tok[:len(tok)-1])
	return tok + mac
}

func pemPublic(t testing.TB, pub any) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func mustPEM(t testing.TB, data []byte) *KeySet {
	t.Helper()
	ks, err := ParsePEM(data, "PEM")
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

func selfSigned(t testing.TB, k *testKeys) []byte {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "idp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.rsa.Public(), k.rsa)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func mustMarshal(t testing.TB, k jose.JSONWebKey) string {
	t.Helper()
	b, err := k.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
