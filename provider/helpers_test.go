package provider

import (
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/tokeninspector/tokeninspector/token"
)

// testNow is the clock of every test; claims are written relative to it.
var testNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// at returns a NumericDate d away from testNow.
func at(d time.Duration) int64 { return testNow.Add(d).Unix() }

var (
	keyOnce          sync.Once
	rsaKey, otherKey *rsa.PrivateKey
	hmacKey          []byte
)

// keys returns the test's own RSA signing key, a second RSA key, and a
// 64-byte HMAC key, generated once.
func keys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey, []byte) {
	t.Helper()
	keyOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if otherKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		hmacKey = make([]byte, 64)
		rand.Read(hmacKey)
	})
	return rsaKey, otherKey, hmacKey
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// signInput signs header.payload (already base64url) with the alg of the
// header: RS256 with the test key, HS256/HS512 with the HMAC key.
func signInput(t testing.TB, alg, input string) string {
	priv, _, secret := keys(t)
	var sig []byte
	switch alg {
	case "RS256":
		sum := sha256.Sum256([]byte(input))
		var err error
		if sig, err = rsa.SignPKCS1v15(rand.Reader, priv, crypto.SHA256, sum[:]); err != nil {
			t.Fatal(err)
		}
	case "HS256":
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(input))
		sig = m.Sum(nil)
	case "HS512":
		m := hmac.New(sha512.New, secret)
		m.Write([]byte(input))
		sig = m.Sum(nil)
	default:
		t.Fatalf("alg %s", alg)
	}
	return base64.RawURLEncoding.EncodeToString(sig)
}

// jws builds a compact JWS with exactly this header and these claims text.
func jws(t testing.TB, header, claims string) string {
	var h struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal([]byte(header), &h); err != nil {
		t.Fatalf("header %s: %v", header, err)
	}
	input := b64(header) + "." + b64(claims)
	return input + "." + signInput(t, h.Alg, input)
}

// graphToken builds a token the way Entra signs Graph tokens: the
// signature covers the header with the nonce replaced by
// base64url(SHA-256(nonce)); the header sent carries the nonce itself.
func graphToken(t testing.TB, headerFmt, nonce, claims string) string {
	sum := sha256.Sum256([]byte(nonce))
	signed := fmt.Sprintf(headerFmt, base64.RawURLEncoding.EncodeToString(sum[:]))
	sent := fmt.Sprintf(headerFmt, nonce)
	input := b64(signed) + "." + b64(claims)
	return b64(sent) + "." + b64(claims) + "." + signInput(t, "RS256", input)
}

// jweDirGCM builds a compact JWE (alg dir, enc A256GCM) with this header.
func jweDirGCM(t testing.TB, header, plaintext string) string {
	key := make([]byte, 32)
	rand.Read(key)
	return sealGCM(t, header, "", key, plaintext)
}

// jweRSAOAEP builds a compact JWE (alg RSA-OAEP, enc A256GCM) for the
// second test key, as Cognito encrypts its refresh tokens for itself.
func jweRSAOAEP(t testing.TB, header, plaintext string) string {
	_, other, _ := keys(t)
	cek := make([]byte, 32)
	rand.Read(cek)
	ek, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, &other.PublicKey, cek, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sealGCM(t, header, base64.RawURLEncoding.EncodeToString(ek), cek, plaintext)
}

func sealGCM(t testing.TB, header, encKey string, key []byte, plaintext string) string {
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	iv := make([]byte, 12)
	rand.Read(iv)
	h := b64(header)
	sealed := gcm.Seal(nil, iv, []byte(plaintext), []byte(h))
	ct, tag := sealed[:len(sealed)-16], sealed[len(sealed)-16:]
	enc := base64.RawURLEncoding.EncodeToString
	return h + "." + encKey + "." + enc(iv) + "." + enc(ct) + "." + enc(tag)
}

// publicKeys is a JWKS with the test's RSA public key under kid (and the
// second key under "other"), as a provider publishes its keys.
func publicKeys(t testing.TB, kid string) token.KeySource {
	priv, other, _ := keys(t)
	return token.NewKeySet([]jose.JSONWebKey{
		{Key: &priv.PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"},
		{Key: &other.PublicKey, KeyID: "other", Algorithm: "RS256", Use: "sig"},
	}, "JWKS of the test")
}

// diagnose inspects raw with the test clock and returns the report.
func diagnose(t testing.TB, raw string, opts token.Options) *token.Report {
	t.Helper()
	opts.At = testNow
	r, err := Inspect(context.Background(), raw, opts)
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	return r
}

// providerIDs lists the ids of the provider diagnoses in r.
func providerIDs(r *token.Report) []string {
	var ids []string
	for _, w := range r.Warnings {
		if strings.HasPrefix(w.ID, "provider.") {
			ids = append(ids, w.ID)
		}
	}
	return ids
}

// warning returns the warning with that id.
func warning(r *token.Report, id string) (token.Warning, bool) {
	for _, w := range r.Warnings {
		if w.ID == id {
			return w, true
		}
	}
	return token.Warning{}, false
}

// expectation is what one case must show.
type expectation struct {
	provider string   // provider id; "" = none recognised
	ids      []string // exactly these provider diagnoses
	contains []string // substrings of the first diagnosis message
}

func (e expectation) check(t *testing.T, r *token.Report) {
	t.Helper()
	switch {
	case e.provider == "" && r.Provider != nil:
		t.Errorf("provider %+v, want none", r.Provider)
	case e.provider != "" && (r.Provider == nil || r.Provider.ID != e.provider):
		t.Errorf("provider %+v, want %s", r.Provider, e.provider)
	case r.Provider != nil && (len(r.Provider.Evidence) == 0 || r.Provider.Name == ""):
		t.Errorf("provider %+v has no name or evidence", r.Provider)
	}
	got := providerIDs(r)
	if !slices.Equal(got, e.ids) {
		t.Fatalf("diagnoses %v, want %v\nwarnings: %+v", got, e.ids, r.Warnings)
	}
	if len(e.ids) == 0 {
		return
	}
	w, _ := warning(r, e.ids[0])
	if w.Spec == "" || w.Message == "" {
		t.Errorf("diagnosis %s has no message or source: %+v", w.ID, w)
	}
	for _, s := range e.contains {
		if !strings.Contains(w.Message, s) {
			t.Errorf("%s message lacks %q:\n%s", w.ID, s, w.Message)
		}
	}
}

// noText fails when any of the texts contains one of the words.
func noText(t *testing.T, what string, texts []string, words ...string) {
	t.Helper()
	for _, s := range texts {
		for _, w := range words {
			if strings.Contains(strings.ToLower(s), strings.ToLower(w)) {
				t.Errorf("%s says %q: %s", what, w, s)
			}
		}
	}
}
